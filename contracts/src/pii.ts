import { z } from 'zod';
import { EncryptedValue } from './envelope.js';

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

declare const personal: unique symbol;
/** A schema marked by pii(), in its type too: what lets `SealedShape` tell its fields' stored types. */
export type Personal<T extends z.ZodType> = T & { readonly [personal]: true };

/**
 * Marks a schema as personal data: it is encrypted at rest, redacted in logs, exported, recorded.
 * The mark goes on a copy, so marking a shared schema (`Uuid`) never makes every use of it personal.
 */
export function pii<T extends z.ZodType>(schema: T, meta: PiiMeta): Personal<T> {
  const marked = schema.clone();
  piiRegistry.add(marked, meta);
  // The mark exists in the type only: the registry is what knows it at run time.
  return marked as Personal<T>;
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

/** A field's schema as stored: a personal one is an EncryptedValue, behind the same optional/nullable wrappers. */
type SealedField<S> =
  S extends Personal<z.ZodType>
    ? typeof EncryptedValue
    : S extends z.ZodOptional<infer Inner extends z.ZodType>
      ? z.ZodOptional<SealedField<Inner>>
      : S extends z.ZodNullable<infer Inner extends z.ZodType>
        ? z.ZodNullable<SealedField<Inner>>
        : S;
export type SealedShape<Shape extends z.ZodRawShape> = { [K in keyof Shape]: SealedField<Shape[K]> };
export type Sealed<S extends z.ZodObject> = z.ZodObject<SealedShape<S['shape']>>;

function sealedField(node: z.ZodType): z.ZodType {
  if (piiRegistry.has(node)) return EncryptedValue;
  if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) {
    const inner = (node as z.ZodOptional<z.ZodType>).unwrap();
    const sealed = sealedField(inner);
    if (sealed === inner) return node;
    return node instanceof z.ZodOptional ? sealed.optional() : sealed.nullable();
  }
  return node;
}

/** An object schema as its data is stored and published: every personal field an EncryptedValue. */
export function sealed<S extends z.ZodObject>(schema: S): Sealed<S> {
  const shape = Object.fromEntries(Object.entries<z.ZodType>(schema.shape).map(([field, node]) => [field, sealedField(node)]));
  // What `sealedField` does to each field, `SealedShape` says of its type; TypeScript cannot follow a loop over entries.
  return z.object(shape) as Sealed<S>;
}
