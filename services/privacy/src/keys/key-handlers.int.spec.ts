import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Bus } from '@plass/bus';
import { DestroyExpiredKeys, DestroySubjectKeys, GetKeys, KeysDestroyed, type RequestContext } from '@plass/contracts';
import { startNats, tempDir, waitFor, type NatsServerHandle, type TempDir } from '@plass/testing';
import type { KeysDestroyedAudit } from './key-audit.js';
import { MAX_KIDS_PER_BROADCAST, registerKeyHandlers } from './key-handlers.js';
import { KeyVault } from './key-vault.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { keyOf } from './testing/key-vault-contract.js';

const ctxOf = (tenantId: string): RequestContext => ({ tenantId, roles: [], correlationId: randomUUID() });

let nats: NatsServerHandle;
let dir: TempDir;
let store: SqliteKeyStore;
let vault: KeyVault;
let service: Bus;
let client: Bus;
const audited: KeysDestroyedAudit[] = [];
let auditFails = false;
const broadcasts: Array<{ tenantId: string; kids: string[] }> = [];

beforeAll(async () => {
  nats = await startNats();
  dir = tempDir('plass-key-handlers-');
  store = new SqliteKeyStore(join(dir.path, 'keys.db'));
  vault = new KeyVault(store, { masterKey: randomBytes(32) });
  service = await Bus.connect({ servers: nats.url, name: 'privacy' });
  registerKeyHandlers(service, vault, {
    keysDestroyed: async (event) => {
      if (auditFails) throw new Error('audit log unavailable');
      audited.push(event);
    },
  });
  await service.flush();
  client = await Bus.connect({ servers: nats.url, name: 'key-handlers-test' });
  client.onBroadcast(KeysDestroyed, (message) => broadcasts.push(message));
  await client.flush();
});

afterAll(async () => {
  await client?.close();
  await service?.close();
  await store?.close();
  dir?.remove();
  await nats?.stop();
});

beforeEach(() => {
  audited.splice(0);
  broadcasts.splice(0);
  auditFails = false;
});

const broadcastKids = (tenantId: string) => broadcasts.filter((b) => b.tenantId === tenantId).flatMap((b) => b.kids);

describe('key handlers over NATS', () => {
  it('destroys expired keys of the calling tenant, broadcasting the kids in bounded chunks and auditing once', async () => {
    const tenantId = randomUUID();
    // One more key than a broadcast carries: 11 people × 91 days.
    const subjects = Array.from({ length: 11 }, () => randomUUID());
    const days = Array.from({ length: 91 }, (_, i) => new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10));
    const old = (
      await vault.getOrCreateKeys(
        tenantId,
        subjects.flatMap((subjectId) => days.map((period) => ({ subjectId, purpose: 'booking' as const, period }))),
      )
    ).map(keyOf);
    const [kept] = (await vault.getOrCreateKeys(tenantId, [{ subjectId: subjects[0]!, purpose: 'booking', period: '2030-04-02' }])).map(keyOf);
    expect(old.length).toBeGreaterThan(MAX_KIDS_PER_BROADCAST);

    const otherTenant = await client.request(DestroyExpiredKeys, { purpose: 'booking', periodsBefore: '2030-04-02' }, ctxOf(randomUUID()));
    expect(otherTenant).toEqual({ destroyedKeys: 0 });

    const answer = await client.request(DestroyExpiredKeys, { purpose: 'booking', periodsBefore: '2030-04-02' }, ctxOf(tenantId));

    expect(answer).toEqual({ destroyedKeys: old.length });
    await waitFor(() => broadcastKids(tenantId).length === old.length, { what: 'every destroyed kid broadcast' });
    expect(broadcastKids(tenantId).sort()).toEqual(old.map((k) => k.kid).sort());
    expect(broadcasts.length).toBe(Math.ceil(old.length / MAX_KIDS_PER_BROADCAST));
    expect(broadcasts.every((b) => b.kids.length <= MAX_KIDS_PER_BROADCAST)).toBe(true);
    expect(audited).toEqual([{ reason: 'retention', tenantId, purpose: 'booking', periodsBefore: '2030-04-02', count: old.length }]);
    expect((await client.request(GetKeys, { kids: [old[0]!.kid, kept!.kid] }, ctxOf(tenantId))).keys).toEqual([
      { kid: old[0]!.kid, key: null },
      { kid: kept!.kid, key: kept!.key.toString('base64url') },
    ]);

    expect(await client.request(DestroyExpiredKeys, { purpose: 'booking', periodsBefore: '2030-04-02' }, ctxOf(tenantId))).toEqual({
      destroyedKeys: 0,
    });
    expect(audited).toHaveLength(1);
  }, 30_000);

  it('audits an erasure with its subject and count', async () => {
    const [tenantId, subjectId] = [randomUUID(), randomUUID()];
    const keys = (
      await vault.getOrCreateKeys(tenantId, [
        { subjectId, purpose: 'profile' },
        { subjectId, purpose: 'booking', period: '2030-01-01' },
      ])
    ).map(keyOf);

    expect(await client.request(DestroySubjectKeys, { subjectId }, ctxOf(tenantId))).toEqual({ destroyedKeys: 2 });

    expect(audited).toEqual([{ reason: 'erasure', tenantId, subjectId, count: 2 }]);
    await waitFor(() => broadcastKids(tenantId).length === 2, { what: 'KeysDestroyed' });
    expect(broadcastKids(tenantId).sort()).toEqual(keys.map((k) => k.kid).sort());
  });

  it('fails the request when the audit fails, after the keys are gone and broadcast', async () => {
    const [tenantId, subjectId] = [randomUUID(), randomUUID()];
    const [key] = (await vault.getOrCreateKeys(tenantId, [{ subjectId, purpose: 'profile' }])).map(keyOf);
    auditFails = true;

    await expect(client.request(DestroySubjectKeys, { subjectId }, ctxOf(tenantId))).rejects.toMatchObject({
      error: { code: 'internal.error' },
    });

    await waitFor(() => broadcastKids(tenantId).includes(key!.kid), { what: 'KeysDestroyed' });
    expect(await vault.getKeys(tenantId, [key!.kid])).toEqual([{ kid: key!.kid, key: null }]);
  });
});
