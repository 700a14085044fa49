import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KeyScope } from '@plass/contracts';
import { listFiles, scanForPlaintext, tempDir, type TempDir } from '@plass/testing';
import Database from 'better-sqlite3';
import { KeyVault, type KeyVaultOptions } from './key-vault.js';
import { KEYS_BY_KIDS, SqliteKeyStore } from './sqlite-key-store.js';
import { keyOf, keyVaultContract } from './testing/key-vault-contract.js';

describe('KeyVault on SQLite: the shared behaviour', () => {
  keyVaultContract(async () => {
    const dir = tempDir('plass-vault-');
    return { open: async () => new SqliteKeyStore(join(dir.path, 'keys.db')), dispose: async () => dir.remove() };
  });
});

describe('SqliteKeyStore at rest', () => {
  let dir: TempDir;
  let file: string;
  const stores: SqliteKeyStore[] = [];
  const masterKey = randomBytes(32);
  const tenantId = randomUUID();

  function openVault(options: Partial<KeyVaultOptions> = {}): KeyVault {
    const store = new SqliteKeyStore(file);
    stores.push(store);
    return new KeyVault(store, { masterKey, ...options });
  }

  const mint = async (vault: KeyVault, scopes: KeyScope[]) => (await vault.getOrCreateKeys(tenantId, scopes)).map(keyOf);

  function rows(): Array<Record<string, unknown> & { kid: string; wrapped_key: Buffer }> {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT * FROM data_keys').all() as Array<Record<string, unknown> & { kid: string; wrapped_key: Buffer }>;
    } finally {
      db.close();
    }
  }

  const wrappedKeys = () => new Map(rows().map((r) => [r.kid, r.wrapped_key]));

  beforeEach(() => {
    dir = tempDir('plass-vault-');
    file = join(dir.path, 'keys.db');
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    dir.remove();
  });

  it('stores one row per scope, the key wrapped and the subject only as a keyed hash', async () => {
    const subjectId = randomUUID();
    const [a, b] = [openVault(), openVault()];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).getOrCreateKeys(tenantId, [{ subjectId, purpose: 'profile' }])));
    const { kid, key } = keyOf(answers[0]![0]);

    const [row, ...others] = rows();
    expect(others).toEqual([]);
    expect(row!.kid).toBe(kid);
    expect(row!.wrapped_key).toHaveLength(12 + 32 + 16);
    expect(row!.wrapped_key.includes(key)).toBe(false);
    expect(row!.kek_id).toMatch(/^kek_/);
    expect(JSON.stringify(row)).not.toContain(subjectId);
  });

  it('leaves neither wrapped nor raw key bytes nor the subject id in the SQLite files after erasure', async () => {
    const vault = openVault();
    const [erased, kept] = [randomUUID(), randomUUID()];
    const scopes = Array.from({ length: 5 }, (_, i) => ({ subjectId: erased, purpose: 'booking' as const, period: `2030-01-0${i + 1}` }));
    const keys = await mint(vault, [...scopes, { subjectId: kept, purpose: 'profile' }]);
    const wrapped = wrappedKeys();
    const erasedKeys = keys.slice(0, 5);
    const keptKey = keys[5]!;

    await vault.destroySubjectKeys(tenantId, erased);

    expect(listFiles(dir.path).sort()).toEqual(['keys.db', 'keys.db-shm', 'keys.db-wal']);
    // Positive control: the scan finds a wrapped key that is still there.
    expect(scanForPlaintext(dir.path, [wrapped.get(keptKey.kid)!])).not.toEqual([]);
    const needles = [...erasedKeys.flatMap(({ kid, key }) => [wrapped.get(kid)!, key]), erased, kept];
    expect(scanForPlaintext(dir.path, needles)).toEqual([]);
  });

  it('leaves no byte of a key destroyed by retention in the database file or its WAL', async () => {
    const vault = openVault();
    const subjects = [randomUUID(), randomUUID(), randomUUID()];
    const days = Array.from({ length: 20 }, (_, i) => `2030-03-${String(i + 1).padStart(2, '0')}`);
    const scopes = subjects.flatMap((subjectId) => days.map((period) => ({ subjectId, purpose: 'booking' as const, period })));
    const keys = await mint(vault, [...scopes, ...subjects.map((subjectId) => ({ subjectId, purpose: 'profile' as const }))]);
    const wrapped = wrappedKeys();
    const expired = keys.filter((_, i) => i < scopes.length && scopes[i]!.period < '2030-03-15');
    const kept = keys.filter((k) => !expired.includes(k));
    const needles = expired.flatMap(({ kid, key }) => [wrapped.get(kid)!, key, kid]);
    // Positive control: before destruction the scan finds them (in the WAL, not yet checkpointed).
    expect(
      scanForPlaintext(
        dir.path,
        expired.map(({ kid }) => wrapped.get(kid)!),
      ).length,
    ).toBeGreaterThanOrEqual(expired.length);

    const destroyed = await vault.destroyExpiredKeys(tenantId, 'booking', '2030-03-15');

    expect(destroyed.sort()).toEqual(expired.map((k) => k.kid).sort());
    expect(listFiles(dir.path).sort()).toEqual(['keys.db', 'keys.db-shm', 'keys.db-wal']);
    expect(
      scanForPlaintext(
        dir.path,
        kept.map(({ kid }) => wrapped.get(kid)!),
      ).length,
    ).toBeGreaterThanOrEqual(kept.length);
    expect(scanForPlaintext(dir.path, needles)).toEqual([]);
  });

  it('keeps the subject refs of a vault created before the subject-ref key was stored, across a rotation', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const before = await mint(openVault(), [
      { subjectId: alice, purpose: 'profile' },
      { subjectId: bob, purpose: 'booking', period: '2030-03-10' },
    ]);
    const db = new Database(file);
    db.prepare('DELETE FROM vault_secrets').run();
    db.close();

    const newKey = randomBytes(32);
    expect(await openVault({ masterKey: newKey, previousMasterKeys: [masterKey] }).rewrapAll()).toBe(2);

    const after = openVault({ masterKey: newKey });
    expect(
      await mint(after, [
        { subjectId: alice, purpose: 'profile' },
        { subjectId: bob, purpose: 'booking', period: '2030-03-10' },
      ]),
    ).toEqual(before);
    expect(new Set(rows().map((r) => r.kek_id)).size).toBe(1);
  });

  it('finds keys by kid through the primary key, never a scan of the tenant’s keys, and only the tenant’s', async () => {
    const vault = openVault();
    const scopes = Array.from({ length: 50 }, (_, day) => ({ subjectId: randomUUID(), purpose: 'booking' as const, period: `2030-03-${String(1 + (day % 28)).padStart(2, '0')}` }));
    const kids = (await mint(vault, scopes)).map((key) => key.kid);
    const [mine] = (await vault.getOrCreateKeys(tenantId, [{ subjectId: randomUUID(), purpose: 'booking', period: '2030-03-01' }])).map(keyOf);
    const other = (await vault.getOrCreateKeys(randomUUID(), [{ subjectId: randomUUID(), purpose: 'booking', period: '2030-03-01' }])).map(keyOf);
    const found = await vault.getKeys(tenantId, [kids[7]!, other[0]!.kid, 'no-such-kid', mine!.kid]);
    expect(found.map(({ kid, key }) => [kid, key !== null])).toEqual([
      [kids[7], true],
      [other[0]!.kid, false],
      ['no-such-kid', false],
      [mine!.kid, true],
    ]);
    const db = new Database(file, { readonly: true });
    try {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${KEYS_BY_KIDS}`).all(JSON.stringify(kids), tenantId) as Array<{ detail: string }>).map((row) => row.detail);
      expect(plan).toContainEqual(expect.stringContaining('SEARCH data_keys USING PRIMARY KEY (kid=?)'));
      expect(plan.join(' | ')).not.toContain('data_keys_by_period');
    } finally {
      db.close();
    }
  });
});
