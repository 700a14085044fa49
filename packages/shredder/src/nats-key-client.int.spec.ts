import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Bus } from '@plass/bus';
import { GetKeys, KeysDestroyed } from '@plass/contracts';
import { startNats, waitFor, type NatsServerHandle } from '@plass/testing';
import { NatsKeyClient } from './nats-key-client.js';

const tenantId = randomUUID();
let nats: NatsServerHandle;
let vaultSide: Bus;
let clientSide: Bus;
const vaultKeys = new Map<string, Buffer>();
const requests: string[][] = [];

beforeAll(async () => {
  nats = await startNats();
  vaultSide = await Bus.connect({ servers: nats.url, name: 'fake-privacy' });
  clientSide = await Bus.connect({ servers: nats.url, name: 'shredder-test' });
  vaultSide.handle(GetKeys, async ({ kids }, ctx) => {
    requests.push(kids);
    return {
      keys: kids.map((kid) => {
        const key = ctx.tenantId === tenantId ? vaultKeys.get(kid) : undefined;
        return { kid, key: key ? key.toString('base64url') : null };
      }),
    };
  });
  await vaultSide.flush();
});

afterAll(async () => {
  await clientSide?.close();
  await vaultSide?.close();
  await nats?.stop();
});

describe('NatsKeyClient over a real Bus', () => {
  it('coalesces lookups into one request and evicts on the KeysDestroyed broadcast', async () => {
    const client = new NatsKeyClient(clientSide);
    await clientSide.flush();
    const [a, b] = ['k_a', 'k_b'];
    vaultKeys.set(a, randomBytes(32)).set(b, randomBytes(32));

    const [first, second] = await Promise.all([client.keysById(tenantId, [a]), client.keysById(tenantId, [a, b])]);
    expect(requests).toEqual([[a, b]]);
    expect(first.get(a)).toEqual(vaultKeys.get(a));
    expect(second.get(b)).toEqual(vaultKeys.get(b));

    vaultKeys.delete(a);
    vaultSide.broadcast(KeysDestroyed, { tenantId, kids: [a] });
    await waitFor(async () => (await client.keysById(tenantId, [a])).get(a) === null, { what: 'eviction of k_a' });
    expect((await client.keysById(tenantId, [b])).get(b)).toEqual(vaultKeys.get(b));
    expect(requests).toHaveLength(2);
  });
});
