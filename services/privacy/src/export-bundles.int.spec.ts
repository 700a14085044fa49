import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ExportBundle } from '@plass/contracts';
import { openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import { Shredder, SubjectErasedError } from '@plass/shredder';
import { tempDir, type TempDir } from '@plass/testing';
import { BUNDLES, ExportBundles } from './export-bundles.js';
import { KeyVault, SqliteKeyStore } from './keys/index.js';
import { VaultKeys } from './vault-keys.js';

const tenantId = randomUUID();
const day = 86_400_000;
const generatedAt = '2030-03-04T07:00:00.000Z';

const bundleOf = (subjectId: string): ExportBundle => ({
  format: 'plass-export/v1',
  subjectId,
  generatedAt,
  answeredBy: ['privacy'],
  profile: { email: 'kari.nordmann@example.test' },
  bookings: [],
  notifications: [],
  consents: [],
});

describe('export bundles', () => {
  let dir: TempDir;
  let store: ProjectionStore;
  let keys: SqliteKeyStore;
  let vault: KeyVault;
  /** Runs once, right before the next write reaches the store. */
  let beforeNextWrite: (() => Promise<void>) | undefined;
  let bundles: ExportBundles;

  beforeEach(async () => {
    dir = tempDir('plass-bundles-');
    const real = openSqliteProjectionStore({ file: join(dir.path, 'read-model.db') });
    store = {
      ...real,
      get: real.get.bind(real),
      find: real.find.bind(real),
      reset: real.reset.bind(real),
      close: real.close.bind(real),
      apply: async (...args) => {
        const hook = beforeNextWrite;
        beforeNextWrite = undefined;
        await hook?.();
        return real.apply(...args);
      },
    };
    keys = new SqliteKeyStore(join(dir.path, 'keys.db'));
    vault = new KeyVault(keys, { masterKey: randomBytes(32) });
    bundles = new ExportBundles(store, new Shredder(new VaultKeys(vault)), { ttlMs: 7 * day });
  });

  afterEach(async () => {
    await store.close();
    await keys.close();
    dir.remove();
  });

  it('are kept until 7 days after they were assembled, then deleted', async () => {
    const subjectId = randomUUID();
    const requestId = randomUUID();
    await bundles.save(tenantId, requestId, bundleOf(subjectId));
    const expiresAt = new Date(Date.parse(generatedAt) + 7 * day);

    expect(await bundles.read(tenantId, requestId, new Date(expiresAt.getTime() - 1))).toEqual({ bundle: bundleOf(subjectId), expiresAt: expiresAt.toISOString() });
    expect(await bundles.expire(new Date(expiresAt.getTime() - 1))).toBe(0);
    expect(await bundles.read(tenantId, requestId, expiresAt)).toBeNull();
    expect(await bundles.expire(expiresAt)).toBe(1);
    expect(await store.get(BUNDLES, requestId)).toBeUndefined();
  });

  it('do not outlive an erasure that destroys the keys and forgets the subject while one is being saved', async () => {
    const subjectId = randomUUID();
    const requestId = randomUUID();
    beforeNextWrite = async () => {
      await vault.destroySubjectKeys(tenantId, subjectId);
      expect(await bundles.forget(tenantId, subjectId)).toBe(0);
    };

    await expect(bundles.save(tenantId, requestId, bundleOf(subjectId))).rejects.toBeInstanceOf(SubjectErasedError);
    expect(await store.find(BUNDLES, { tenantId, subjectId })).toEqual([]);
  });

  it('are not saved at all for a subject already erased', async () => {
    const subjectId = randomUUID();
    await vault.destroySubjectKeys(tenantId, subjectId);
    await expect(bundles.save(tenantId, randomUUID(), bundleOf(subjectId))).rejects.toBeInstanceOf(SubjectErasedError);
    expect(await store.find(BUNDLES, { tenantId, subjectId })).toEqual([]);
  });
});
