import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Bus } from '@plass/bus';
import { DestroySubjectKeys, GetKeys, GetOrCreateKeys, KeysDestroyed, type RequestContext } from '@plass/contracts';
import { createLogger } from '@plass/telemetry';
import { startNats, tempDir, waitFor, type NatsServerHandle, type TempDir } from '@plass/testing';
import { startPrivacyService } from './privacy-service.js';

const logger = createLogger({ service: 'privacy', level: 'silent' });
const tenantId = randomUUID();
const ctxOf = (tenant = tenantId): RequestContext => ({ tenantId: tenant, roles: [], correlationId: randomUUID() });

let nats: NatsServerHandle;
let client: Bus;

beforeAll(async () => {
  nats = await startNats();
  client = await Bus.connect({ servers: nats.url, name: 'privacy-test-client' });
});

afterAll(async () => {
  await client?.close();
  await nats?.stop();
});

describe('privacy service over NATS', () => {
  let dir: TempDir;
  let service: { close(): Promise<void> };

  beforeAll(async () => {
    dir = tempDir('plass-privacy-');
    service = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: randomBytes(32), logger });
  });

  afterAll(async () => {
    await service?.close();
    dir?.remove();
  });

  it('gets or creates keys and reads them back by kid, for the calling tenant only', async () => {
    const subjectId = randomUUID();
    const scopes = [
      { subjectId, purpose: 'profile' as const },
      { subjectId, purpose: 'booking' as const, period: '2025-W14' },
    ];

    const created = await client.request(GetOrCreateKeys, { scopes }, ctxOf());
    const again = await client.request(GetOrCreateKeys, { scopes }, ctxOf());
    expect(again).toEqual(created);
    const [profile, booking] = created.keys.map((k) => {
      if ('erased' in k) throw new Error('expected a key');
      return k;
    });

    const byKid = await client.request(GetKeys, { kids: [profile!.kid, booking!.kid, 'k_unknown'] }, ctxOf());
    expect(byKid.keys).toEqual([profile, booking, { kid: 'k_unknown', key: null }]);

    const foreign = await client.request(GetKeys, { kids: [profile!.kid] }, ctxOf(randomUUID()));
    expect(foreign.keys).toEqual([{ kid: profile!.kid, key: null }]);
  });

  it("destroys a subject's keys, broadcasts KeysDestroyed and never mints for it again", async () => {
    const subjectId = randomUUID();
    const created = await client.request(
      GetOrCreateKeys,
      {
        scopes: [
          { subjectId, purpose: 'profile' },
          { subjectId, purpose: 'booking' },
        ],
      },
      ctxOf(),
    );
    const kids = created.keys.map((k) => ('kid' in k ? k.kid : ''));
    const broadcasts: Array<{ tenantId: string; kids: string[] }> = [];
    client.onBroadcast(KeysDestroyed, (message) => broadcasts.push(message));
    await client.flush();

    expect(await client.request(DestroySubjectKeys, { subjectId }, ctxOf())).toEqual({ destroyedKeys: 2 });

    const broadcast = await waitFor(() => broadcasts.find((b) => b.kids.includes(kids[0]!)), { what: 'KeysDestroyed' });
    expect(broadcast).toEqual({ tenantId, kids: expect.arrayContaining(kids) });
    expect((await client.request(GetKeys, { kids }, ctxOf())).keys.map((k) => k.key)).toEqual([null, null]);
    expect(await client.request(GetOrCreateKeys, { scopes: [{ subjectId, purpose: 'profile' }] }, ctxOf())).toEqual({ keys: [{ erased: true }] });
    expect(await client.request(DestroySubjectKeys, { subjectId }, ctxOf())).toEqual({ destroyedKeys: 0 });
  });
});

describe('privacy service without PLASS_MASTER_KEY', () => {
  it('keeps a 0600 development master key in the data dir and reuses it after a restart', async () => {
    const dir = tempDir('plass-privacy-dev-');
    try {
      const subjectId = randomUUID();
      const first = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, logger });
      const created = await client.request(GetOrCreateKeys, { scopes: [{ subjectId, purpose: 'profile' }] }, ctxOf());
      await first.close();

      const keyFile = join(dir.path, 'privacy', 'master.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);

      const second = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, logger });
      try {
        const kid = 'kid' in created.keys[0]! ? created.keys[0].kid : '';
        expect((await client.request(GetKeys, { kids: [kid] }, ctxOf())).keys).toEqual(created.keys);
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('privacy service after a master key rotation', () => {
  it('re-wraps the vault under the new master key before it serves, and logs the count', async () => {
    const dir = tempDir('plass-privacy-rotation-');
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const lines: Array<Record<string, unknown>> = [];
    const logging = createLogger({ service: 'privacy', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const rewrapped = () => lines.filter((line) => 'rewrapped' in line).map((line) => line.rewrapped);
    try {
      const subjectId = randomUUID();
      const before = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: oldKey, logger });
      const created = await client.request(
        GetOrCreateKeys,
        {
          scopes: [
            { subjectId, purpose: 'profile' },
            { subjectId, purpose: 'booking', period: '2030-03-04' },
          ],
        },
        ctxOf(),
      );
      await before.close();

      await (await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: newKey, previousMasterKeys: [oldKey], logger: logging })).close();
      expect(rewrapped()).toEqual([2]);

      // The old key is gone now: every row must be under the new one.
      const after = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: newKey, logger: logging });
      try {
        expect(rewrapped()).toEqual([2, 0]);
        const kids = created.keys.map((key) => ('kid' in key ? key.kid : ''));
        expect((await client.request(GetKeys, { kids }, ctxOf())).keys).toEqual(created.keys);
      } finally {
        await after.close();
      }
    } finally {
      dir.remove();
    }
  });
});
