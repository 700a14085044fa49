import { eventCatalog, piiFields } from '@plass/contracts';

/** Names that carry secrets or personal data whether or not a contract marks them. */
const ALWAYS_PERSONAL = ['email', 'displayName', 'password', 'authorization', 'cookie', 'token', 'accessToken', 'refreshToken', 'key', 'subject'] as const;

/** Every field name marked pii() in the event catalog, plus the fixed list above. */
export function personalFieldNames(): string[] {
  const names = new Set<string>(ALWAYS_PERSONAL);
  for (const def of Object.values(eventCatalog)) {
    for (const { field } of piiFields(def.data)) names.add(field);
  }
  return [...names].sort();
}
