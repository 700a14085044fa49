import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { EncryptedValue, REDACTED, pii } from '@plass/contracts';
import { z } from 'zod';
import { CiphertextCorruptError } from './field-cipher.js';
import { SubjectErasedError, type DataKey, type KeyProvider, type KeyScope } from './key-provider.js';
import { Shredder } from './shredder.js';

/** Keys in a Map, tenant-scoped like the vault; counts lookups. */
class MapKeyProvider implements KeyProvider {
  readonly keys = new Map<string, { tenantId: string; subjectId: string; purpose: string; key: Buffer }>();
  readonly fenced = new Set<string>();
  lookups = 0;

  async keyFor(scope: KeyScope): Promise<DataKey> {
    if (this.fenced.has(scope.subjectId)) throw new SubjectErasedError();
    for (const [kid, k] of this.keys) {
      if (k.tenantId === scope.tenantId && k.subjectId === scope.subjectId && k.purpose === scope.purpose) {
        return { kid, key: k.key };
      }
    }
    const kid = `k_${randomBytes(16).toString('base64url')}`;
    const key = randomBytes(32);
    this.keys.set(kid, { ...scope, key });
    return { kid, key };
  }

  async keysById(tenantId: string, kids: string[]): Promise<Map<string, Buffer | null>> {
    this.lookups += 1;
    return new Map(
      kids.map((kid) => {
        const k = this.keys.get(kid);
        return [kid, k && k.tenantId === tenantId ? k.key : null];
      }),
    );
  }

  destroy(subjectId: string, purpose?: string): void {
    for (const [kid, k] of this.keys) {
      if (k.subjectId === subjectId && (!purpose || k.purpose === purpose)) this.keys.delete(kid);
    }
    if (!purpose) this.fenced.add(subjectId);
  }
}

const Booked = z.object({
  bookingId: z.uuid(),
  spaceId: z.string(),
  bookerName: pii(z.string(), { category: 'name', purpose: 'profile', description: 'who booked' }),
  bookerEmail: pii(z.string(), { category: 'contact', purpose: 'profile', description: 'where to confirm' }).optional(),
  note: pii(z.string(), { category: 'free_text', purpose: 'booking', description: 'note to the host' }).nullable(),
  tags: pii(z.array(z.string()), { category: 'preference', purpose: 'booking', description: 'wishes' }),
});
type Booked = z.infer<typeof Booked>;

const tenantId = randomUUID();
const subjectId = randomUUID();
const booked: Booked = {
  bookingId: randomUUID(),
  spaceId: 'desk-42',
  bookerName: 'Ada Lovelace',
  bookerEmail: 'ada@example.test',
  note: 'near the window please',
  tags: ['standing-desk'],
};
const ctx = { tenantId, subjectId, aad: 'booking-123' };

function setup() {
  const keys = new MapKeyProvider();
  return { keys, shredder: new Shredder(keys) };
}

describe('Shredder', () => {
  it('round-trips every field, encrypting only the personal ones', async () => {
    const { shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);

    expect(stored.bookingId).toBe(booked.bookingId);
    expect(stored.spaceId).toBe('desk-42');
    for (const field of ['bookerName', 'bookerEmail', 'note', 'tags']) {
      expect(EncryptedValue.safeParse(stored[field]).success).toBe(true);
    }
    const { data, redacted } = await shredder.decrypt(Booked, stored, ctx);
    expect(data).toEqual(booked);
    expect(redacted).toEqual([]);
  });

  it('leaves no plaintext personal value in the stored JSON', async () => {
    const { shredder } = setup();
    const json = JSON.stringify(await shredder.encrypt(Booked, booked, ctx));
    for (const secret of ['Ada', 'Lovelace', 'ada@example', 'window', 'standing-desk', subjectId]) {
      expect(json).not.toContain(secret);
    }
  });

  it('uses one key per purpose and a fresh iv per field', async () => {
    const { shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    const name = EncryptedValue.parse(stored.bookerName);
    const email = EncryptedValue.parse(stored.bookerEmail);
    const note = EncryptedValue.parse(stored.note);
    expect(name.kid).toBe(email.kid);
    expect(note.kid).not.toBe(name.kid);
    expect(name.iv).not.toBe(email.iv);
  });

  it('keeps absent and null personal fields as they are', async () => {
    const { shredder } = setup();
    const { bookerEmail: _, ...withoutEmail } = booked;
    const stored = await shredder.encrypt(Booked, { ...withoutEmail, note: null }, ctx);
    expect('bookerEmail' in stored).toBe(false);
    expect(stored.note).toBeNull();
    const { data, redacted } = await shredder.decrypt(Booked, stored, ctx);
    expect(data).toEqual({ ...withoutEmail, note: null });
    expect(redacted).toEqual([]);
  });

  it('redacts the fields of a destroyed purpose key and still decrypts the rest', async () => {
    const { keys, shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    keys.destroy(subjectId, 'booking');

    const { data, redacted } = await shredder.decrypt(Booked, stored, ctx);
    expect(data.note).toBe(REDACTED);
    expect(data.tags).toBe(REDACTED);
    expect(data.bookerName).toBe('Ada Lovelace');
    expect(redacted.sort()).toEqual(['note', 'tags']);
  });

  it('redacts everything after erasure, never returning ciphertext', async () => {
    const { keys, shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    keys.destroy(subjectId);

    const { data, redacted } = await shredder.decrypt(Booked, stored, ctx);
    expect(redacted.sort()).toEqual(['bookerEmail', 'bookerName', 'note', 'tags']);
    expect(data).toEqual({ bookingId: booked.bookingId, spaceId: 'desk-42', bookerName: REDACTED, bookerEmail: REDACTED, note: REDACTED, tags: REDACTED });
    expect(JSON.stringify(data)).not.toContain('$enc');
  });

  it('refuses to encrypt for an erased subject', async () => {
    const { keys, shredder } = setup();
    keys.destroy(subjectId);
    await expect(shredder.encrypt(Booked, booked, ctx)).rejects.toBeInstanceOf(SubjectErasedError);
    await expect(shredder.encrypt(Booked, booked, ctx)).rejects.toMatchObject({ code: 'privacy.subject_erased' });
  });

  it('throws on tampered ciphertext', async () => {
    const { shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    const name = EncryptedValue.parse(stored.bookerName);
    const ct = Buffer.from(name.ct, 'base64url');
    ct[0]! ^= 1;
    const tampered = { ...stored, bookerName: { ...name, ct: ct.toString('base64url') } };
    await expect(shredder.decrypt(Booked, tampered, ctx)).rejects.toBeInstanceOf(CiphertextCorruptError);
  });

  it('throws when the ciphertext is read in another place (aad)', async () => {
    const { shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    await expect(shredder.decrypt(Booked, stored, { ...ctx, aad: 'booking-456' })).rejects.toThrow(/bookerName.*authentication failed/);
    const swapped = { ...stored, bookerName: stored.bookerEmail, bookerEmail: stored.bookerName };
    await expect(shredder.decrypt(Booked, swapped, ctx)).rejects.toBeInstanceOf(CiphertextCorruptError);
  });

  it('throws on a personal field stored in clear', async () => {
    const { shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    await expect(shredder.decrypt(Booked, { ...stored, bookerName: 'Ada Lovelace' }, ctx)).rejects.toThrow(/bookerName.*not an EncryptedValue/);
  });

  it("reads another tenant's ciphertext as redacted, never decrypted", async () => {
    const { shredder } = setup();
    const stored = await shredder.encrypt(Booked, booked, ctx);
    const { redacted } = await shredder.decrypt(Booked, stored, { tenantId: randomUUID(), aad: ctx.aad });
    expect(redacted).toHaveLength(4);
  });

  it('looks keys up once per decrypt call and once for many rows', async () => {
    const { keys, shredder } = setup();
    const rows = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => ({
        aad: `booking-${i}`,
        stored: await shredder.encrypt(Booked, booked, { tenantId, subjectId: randomUUID(), aad: `booking-${i}` }),
      })),
    );
    await shredder.decrypt(Booked, rows[0]!.stored, { tenantId, aad: rows[0]!.aad });
    expect(keys.lookups).toBe(1);

    const results = await shredder.decryptMany(Booked, rows, { tenantId });
    expect(keys.lookups).toBe(2);
    expect(results.map((r) => r.data)).toEqual(rows.map(() => booked));
  });
});
