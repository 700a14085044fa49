import { z } from 'zod';
import { Uuid } from '../envelope.js';
import { Purpose } from '../pii.js';
import { defineBroadcast, defineRequest } from './define.js';

/** A key is scoped to one subject, one purpose and optionally one period (e.g. an ISO week of bookings). */
export const KeyScope = z.object({
  subjectId: Uuid,
  purpose: Purpose,
  period: z.string().regex(/^[0-9A-Za-z-]{1,32}$/).optional(),
});
export type KeyScope = z.infer<typeof KeyScope>;

/** Unwrapped data key in transit (NATS with TLS in production): 32 bytes, base64url. */
const KeyMaterial = z.base64url().length(43);

export const GetOrCreateKeys = defineRequest(
  'privacy.keys.GetOrCreate',
  z.object({ scopes: z.array(KeyScope).min(1).max(100) }),
  /** In the order of `scopes`; a fenced (erased) subject gets `{erased: true}`, never a new key. */
  z.object({
    keys: z.array(z.union([z.object({ kid: z.string(), key: KeyMaterial }), z.object({ erased: z.literal(true) })])),
  }),
);

/** `key: null` — destroyed (or never existed): the value is shredded. */
export const GetKeys = defineRequest(
  'privacy.keys.Get',
  z.object({ kids: z.array(z.string().min(1).max(64)).min(1).max(500) }),
  z.object({ keys: z.array(z.object({ kid: z.string(), key: KeyMaterial.nullable() })) }),
);

export const DestroySubjectKeys = defineRequest(
  'privacy.cmd.DestroySubjectKeys',
  z.object({ subjectId: Uuid }),
  z.object({ destroyedKeys: z.number().int().nonnegative() }),
);

/** Every service evicts these keys from its cache at once; the bounded cache TTL covers a missed broadcast. */
export const KeysDestroyed = defineBroadcast(
  'privacy.broadcast.KeysDestroyed',
  z.object({ tenantId: Uuid, kids: z.array(z.string()) }),
);
