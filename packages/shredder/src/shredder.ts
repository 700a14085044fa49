import { EncryptedValue, REDACTED, isRedacted, piiFields, type Purpose, type Redacted } from '@plass/contracts';
import type { z } from 'zod';
import { CiphertextCorruptError, open, seal } from './field-cipher.js';
import type { DataKey, KeyProvider } from './key-provider.js';

/**
 * A decrypted record. pii() keeps a field's value type unchanged, so from the record's type alone
 * nothing tells which fields are personal: every field may read as Redacted; `redacted` names the ones that do.
 */
export type Shredded<T> = { [K in keyof T]: T[K] | Redacted };

export interface EncryptContext {
  tenantId: string;
  subjectId: string;
  period?: string;
  /** Where the ciphertext lives, e.g. the stream id; tenant and field name are added to it. */
  aad: string;
}

export interface DecryptContext {
  tenantId: string;
  aad: string;
}

export interface DecryptResult<T> {
  data: Shredded<T>;
  redacted: string[];
}

export interface StoredRow {
  stored: Record<string, unknown>;
  aad: string;
}

const aadOf = (tenantId: string, aad: string, field: string) => `${tenantId}/${aad}/${field}`;

// null/undefined carry nothing personal; keeping them in clear keeps "absent" distinguishable from "shredded".
const isPresent = (value: unknown) => value !== undefined && value !== null;

export class Shredder {
  constructor(private readonly keys: KeyProvider) {}

  async encrypt<S extends z.ZodObject>(schema: S, data: z.infer<S>, ctx: EncryptContext): Promise<Record<string, unknown>> {
    const input = data as Record<string, unknown>;
    const fields = piiFields(schema).filter((f) => isPresent(input[f.field]));
    const purposes = [...new Set(fields.map((f) => f.purpose))];
    const keys = new Map<Purpose, DataKey>(
      await Promise.all(
        purposes.map(async (purpose) => {
          const scope = { tenantId: ctx.tenantId, subjectId: ctx.subjectId, purpose, period: ctx.period };
          return [purpose, await this.keys.keyFor(scope)] as const;
        }),
      ),
    );
    const output: Record<string, unknown> = { ...input };
    for (const { field, purpose } of fields) {
      const key = keys.get(purpose)!;
      output[field] = seal(key.kid, key.key, JSON.stringify(input[field]), aadOf(ctx.tenantId, ctx.aad, field));
    }
    return output;
  }

  async decrypt<S extends z.ZodObject>(schema: S, stored: Record<string, unknown>, ctx: DecryptContext): Promise<DecryptResult<z.infer<S>>> {
    const [result] = await this.decryptMany(schema, [{ stored, aad: ctx.aad }], { tenantId: ctx.tenantId });
    return result!;
  }

  /** Decrypts many rows of one tenant with a single key lookup. */
  async decryptMany<S extends z.ZodObject>(schema: S, rows: StoredRow[], ctx: { tenantId: string }): Promise<DecryptResult<z.infer<S>>[]> {
    const fields = piiFields(schema).map((f) => f.field);
    const sealed = rows.map((row) => encryptedFieldsOf(row.stored, fields));
    const kids = [...new Set(sealed.flatMap((m) => [...m.values()].flatMap((v) => (isRedacted(v) ? [] : [v.kid]))))];
    const keys = kids.length > 0 ? await this.keys.keysById(ctx.tenantId, kids) : new Map<string, Buffer | null>();

    return rows.map((row, i) => {
      const data: Record<string, unknown> = { ...row.stored };
      const redacted: string[] = [];
      for (const [field, value] of sealed[i]!) {
        const key = isRedacted(value) ? null : keys.get(value.kid);
        if (isRedacted(value) || !key) {
          data[field] = REDACTED;
          redacted.push(field);
          continue;
        }
        data[field] = JSON.parse(open(value, key, aadOf(ctx.tenantId, row.aad, field), field));
      }
      return { data: data as Shredded<z.infer<S>>, redacted };
    });
  }
}

function encryptedFieldsOf(stored: Record<string, unknown>, fields: string[]): Map<string, EncryptedValue | Redacted> {
  const found = new Map<string, EncryptedValue | Redacted>();
  for (const field of fields) {
    const value = stored[field];
    if (!isPresent(value)) continue;
    if (isRedacted(value)) {
      found.set(field, REDACTED);
      continue;
    }
    const parsed = EncryptedValue.safeParse(value);
    if (!parsed.success) throw new CiphertextCorruptError(field, undefined, 'a personal field is not an EncryptedValue');
    found.set(field, parsed.data);
  }
  return found;
}
