import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { listFiles, scanForPlaintext, tempDir, type TempDir } from '@plass/testing';
import Database from 'better-sqlite3';
import { KeyVault } from './key-vault.js';
import { SqliteKeyStore } from './sqlite-key-store.js';

let dir: TempDir;
let file: string;
const stores: SqliteKeyStore[] = [];
const masterKey = randomBytes(32);
const tenantId = randomUUID();

function openVault(key = masterKey): KeyVault {
  const store = new SqliteKeyStore(file);
  stores.push(store);
  return new KeyVault(store, { masterKey: key });
}

const keyOf = (answer: { kid: string; key: Buffer } | { erased: true } | undefined) => {
  if (!answer || 'erased' in answer) throw new Error('expected a key');
  return answer;
};

beforeEach(() => {
  dir = tempDir('plass-vault-');
  file = join(dir.path, 'keys.db');
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  dir.remove();
});

describe('KeyVault on SQLite', () => {
  it('mints a random kid and a 32-byte key once per scope', async () => {
    const vault = openVault();
    const subjectId = randomUUID();
    const [profile, again, booking, week] = await vault.getOrCreateKeys(tenantId, [
      { subjectId, purpose: 'profile' },
      { subjectId, purpose: 'profile' },
      { subjectId, purpose: 'booking' },
      { subjectId, purpose: 'booking', period: '2025-W14' },
    ]);

    expect(keyOf(profile).kid).toMatch(/^k_[A-Za-z0-9_-]{22}$/);
    expect(keyOf(profile).key).toHaveLength(32);
    expect(again).toEqual(profile);
    expect(new Set([profile, booking, week].map((k) => keyOf(k).kid)).size).toBe(3);

    const [later] = await openVault().getOrCreateKeys(tenantId, [{ subjectId, purpose: 'profile' }]);
    expect(later).toEqual(profile);
  });

  it('returns one key to concurrent creators of the same scope, across connections', async () => {
    const [a, b] = [openVault(), openVault()];
    const scope = { subjectId: randomUUID(), purpose: 'booking' as const, period: '2025-04-01' };

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getOrCreateKeys(tenantId, [scope])),
    );

    const kids = new Set(answers.map(([k]) => keyOf(k).kid));
    expect(kids.size).toBe(1);
    expect(new Set(answers.map(([k]) => keyOf(k).key.toString('hex'))).size).toBe(1);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM data_keys').get()).toEqual({ n: 1 });
    db.close();
  });

  it('stores keys wrapped, readable only with the same master key', async () => {
    const vault = openVault();
    const subjectId = randomUUID();
    const { kid, key } = keyOf((await vault.getOrCreateKeys(tenantId, [{ subjectId, purpose: 'profile' }]))[0]);

    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT * FROM data_keys WHERE kid = ?').get(kid) as Record<string, unknown>;
    db.close();
    expect(row.wrapped_key).toHaveLength(12 + 32 + 16);
    expect((row.wrapped_key as Buffer).includes(key)).toBe(false);
    expect(JSON.stringify(row)).not.toContain(subjectId);
    expect(row.kek_id).toMatch(/^kek_/);

    expect((await openVault().getKeys(tenantId, [kid]))[0]!.key).toEqual(key);
    await expect(openVault(randomBytes(32)).getKeys(tenantId, [kid])).rejects.toThrow(/does not hold/);
  });

  it('isolates tenants: a kid of another tenant reads as null', async () => {
    const vault = openVault();
    const otherTenant = randomUUID();
    const subjectId = randomUUID();
    const mine = keyOf((await vault.getOrCreateKeys(tenantId, [{ subjectId, purpose: 'profile' }]))[0]);
    const theirs = keyOf((await vault.getOrCreateKeys(otherTenant, [{ subjectId, purpose: 'profile' }]))[0]);

    expect(theirs.kid).not.toBe(mine.kid);
    expect(theirs.key.equals(mine.key)).toBe(false);
    expect(await vault.getKeys(otherTenant, [mine.kid, theirs.kid, 'k_unknown'])).toEqual([
      { kid: mine.kid, key: null },
      { kid: theirs.kid, key: theirs.key },
      { kid: 'k_unknown', key: null },
    ]);
  });

  it('destroys all keys of a subject and fences it for good', async () => {
    const vault = openVault();
    const [erased, kept] = [randomUUID(), randomUUID()];
    const answers = await vault.getOrCreateKeys(tenantId, [
      { subjectId: erased, purpose: 'profile' },
      { subjectId: erased, purpose: 'booking', period: '2025-W14' },
      { subjectId: kept, purpose: 'profile' },
    ]);
    const [profile, booking, other] = answers.map(keyOf);

    const destroyed = await vault.destroySubjectKeys(tenantId, erased);

    expect(destroyed.sort()).toEqual([profile!.kid, booking!.kid].sort());
    expect(await vault.getKeys(tenantId, [profile!.kid, booking!.kid, other!.kid])).toEqual([
      { kid: profile!.kid, key: null },
      { kid: booking!.kid, key: null },
      { kid: other!.kid, key: other!.key },
    ]);
    expect(await vault.getOrCreateKeys(tenantId, [{ subjectId: erased, purpose: 'profile' }])).toEqual([{ erased: true }]);
    expect(await openVault().getOrCreateKeys(tenantId, [{ subjectId: erased, purpose: 'booking', period: 'x' }])).toEqual([
      { erased: true },
    ]);
    expect(await vault.destroySubjectKeys(tenantId, erased)).toEqual([]);
    expect(await vault.getOrCreateKeys(randomUUID(), [{ subjectId: erased, purpose: 'profile' }])).not.toEqual([
      { erased: true },
    ]);
  });

  it('leaves neither wrapped nor raw key bytes nor the subject id in the SQLite files after destroy', async () => {
    const vault = openVault();
    const [erased, kept] = [randomUUID(), randomUUID()];
    const scopes = Array.from({ length: 5 }, (_, i) => ({ subjectId: erased, purpose: 'booking' as const, period: `p${i}` }));
    const keys = (await vault.getOrCreateKeys(tenantId, [...scopes, { subjectId: kept, purpose: 'profile' }])).map(keyOf);
    const wrapped = readWrappedKeys();
    const erasedKeys = keys.slice(0, 5);
    const keptKey = keys[5]!;

    await vault.destroySubjectKeys(tenantId, erased);

    expect(listFiles(dir.path).sort()).toEqual(['keys.db', 'keys.db-shm', 'keys.db-wal']);
    // Positive control: the scan finds a wrapped key that is still there.
    expect(scanForPlaintext(dir.path, [wrapped.get(keptKey.kid)!])).not.toEqual([]);
    const needles = [...erasedKeys.flatMap(({ kid, key }) => [wrapped.get(kid)!, key]), erased, kept];
    expect(scanForPlaintext(dir.path, needles)).toEqual([]);
  });
});

function readWrappedKeys(): Map<string, Buffer> {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT kid, wrapped_key FROM data_keys').all() as Array<{ kid: string; wrapped_key: Buffer }>;
  db.close();
  return new Map(rows.map((r) => [r.kid, r.wrapped_key]));
}
