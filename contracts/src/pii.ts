import { z } from 'zod';

/** Why a personal value is processed; each purpose has its own keys, so it can be shredded on its own. */
export const Purpose = z.enum(['profile', 'booking', 'notification', 'controller_contact']);
export type Purpose = z.infer<typeof Purpose>;

/** What kind of personal data a field holds (GDPR Art. 30(1)(c) categories). */
export const PiiCategory = z.enum(['identifier', 'name', 'contact', 'free_text', 'preference', 'credential']);
export type PiiCategory = z.infer<typeof PiiCategory>;

export interface PiiMeta {
  category: PiiCategory;
  purpose: Purpose;
  description: string;
}

/** The one place that knows which schema nodes are personal data. */
export const piiRegistry = z.registry<PiiMeta>();

/**
 * Marks a schema as personal data: it is encrypted at rest, redacted in logs, exported, recorded.
 * The mark goes on a copy, so marking a shared schema (`Uuid`) never makes every use of it personal.
 */
export function pii<T extends z.ZodType>(schema: T, meta: PiiMeta): T {
  const marked = schema.clone();
  piiRegistry.add(marked, meta);
  return marked;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = (current as z.ZodOptional<z.ZodType>).unwrap();
  }
  return current;
}

export interface PiiField extends PiiMeta {
  field: string;
}

/** The personal fields of an object schema (top level; optional/nullable wrappers are looked through). */
export function piiFields(schema: z.ZodObject): PiiField[] {
  const fields: PiiField[] = [];
  for (const [field, node] of Object.entries<z.ZodType>(schema.shape)) {
    const meta = piiRegistry.get(node) ?? piiRegistry.get(unwrap(node));
    if (meta) fields.push({ field, ...meta });
  }
  return fields;
}
