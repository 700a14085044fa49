import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  GetKeys,
  GetOrCreateKeys,
  KeysDestroyed,
  REDACTED,
  RequestContext,
  pii,
  type BroadcastContract,
  type RequestContract,
  type RequestOf,
  type ResponseOf,
} from '@plass/contracts';
import { z } from 'zod';
import { SubjectErasedError } from './key-provider.js';
import { NatsKeyClient, type KeyBus } from './nats-key-client.js';
import { Shredder } from './shredder.js';

/** In-memory stand-in for the privacy service behind the bus: validates both shapes like the bus does. */
class FakeVaultBus implements KeyBus {
  readonly requests: Array<{ subject: string; payload: unknown; ctx: RequestContext }> = [];
  private readonly listeners = new Map<string, Array<(message: unknown) => void>>();
  private readonly keys = new Map<string, { tenantId: string; scope: string; subjectId: string; key: Buffer }>();
  private readonly fenced = new Set<string>();
  gate: Promise<void> = Promise.resolve();
  failing = false;

  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>, ctx: RequestContext): Promise<ResponseOf<C>> {
    contract.request.parse(payload);
    RequestContext.parse(ctx);
    this.requests.push({ subject: contract.subject, payload, ctx });
    await this.gate;
    if (this.failing) throw new Error('service.unavailable');
    return contract.response.parse(this.answer(contract.subject, payload, ctx.tenantId)) as ResponseOf<C>;
  }

  onBroadcast<B extends BroadcastContract>(contract: B, handler: (message: z.infer<B['message']>) => void): void {
    this.listeners.set(contract.subject, [...(this.listeners.get(contract.subject) ?? []), handler as (message: unknown) => void]);
  }

  broadcast<B extends BroadcastContract>(contract: B, message: z.infer<B['message']>): void {
    for (const listener of this.listeners.get(contract.subject) ?? []) listener(contract.message.parse(message));
  }

  mint(tenantId: string): string {
    const kid = `k_${randomBytes(16).toString('base64url')}`;
    this.keys.set(kid, { tenantId, scope: kid, subjectId: randomUUID(), key: randomBytes(32) });
    return kid;
  }

  keyOf(kid: string): Buffer {
    return this.keys.get(kid)!.key;
  }

  /** Destroys in the vault only; the caller decides whether the broadcast reaches the client. */
  destroy(tenantId: string, subjectId: string): string[] {
    const kids = [...this.keys].filter(([, k]) => k.tenantId === tenantId && k.subjectId === subjectId).map(([kid]) => kid);
    for (const kid of kids) this.keys.delete(kid);
    this.fenced.add(`${tenantId}/${subjectId}`);
    return kids;
  }

  /** The requests made to `contract`, their payloads as the contract types them (each was validated). */
  requestsOf<C extends RequestContract>(contract: C): Array<{ subject: string; payload: RequestOf<C>; ctx: RequestContext }> {
    return this.requests.filter((r) => r.subject === contract.subject) as Array<{ subject: string; payload: RequestOf<C>; ctx: RequestContext }>;
  }

  private answer(subject: string, payload: unknown, tenantId: string): unknown {
    if (subject === GetKeys.subject) {
      const p = payload as RequestOf<typeof GetKeys>;
      return {
        keys: p.kids.map((kid) => {
          const k = this.keys.get(kid);
          return { kid, key: k && k.tenantId === tenantId ? k.key.toString('base64url') : null };
        }),
      };
    }
    const p = payload as RequestOf<typeof GetOrCreateKeys>;
    return {
      keys: p.scopes.map(({ subjectId, purpose, period }) => {
        if (this.fenced.has(`${tenantId}/${subjectId}`)) return { erased: true };
        const scope = `${tenantId}/${subjectId}/${purpose}/${period ?? ''}`;
        let found = [...this.keys].find(([, k]) => k.scope === scope);
        if (!found) {
          const kid = `k_${randomBytes(16).toString('base64url')}`;
          found = [kid, { tenantId, scope, subjectId, key: randomBytes(32) }];
          this.keys.set(...found);
        }
        return { kid: found[0], key: found[1].key.toString('base64url') };
      }),
    };
  }
}

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = { now: 0 };
  const bus = new FakeVaultBus();
  const client = new NatsKeyClient(bus, { ...options, now: () => clock.now });
  return { clock, bus, client, getKeys: () => bus.requestsOf(GetKeys) };
}

function holdRequests(bus: FakeVaultBus): () => void {
  let release!: () => void;
  bus.gate = new Promise((resolve) => (release = resolve));
  return release;
}

/** Yields to the event loop until the condition holds (no wall-clock sleeping). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

const tenantId = randomUUID();

describe('NatsKeyClient.keysById', () => {
  it('coalesces lookups issued in the same tick into one GetKeys request', async () => {
    const { bus, client, getKeys } = setup();
    const [a, b, c] = [bus.mint(tenantId), bus.mint(tenantId), bus.mint(tenantId)];

    const [first, second, third] = await Promise.all([client.keysById(tenantId, [a, b]), client.keysById(tenantId, [b, c]), client.keysById(tenantId, [a, 'k_unknown'])]);

    expect(getKeys()).toHaveLength(1);
    expect(getKeys()[0]!.payload.kids.sort()).toEqual([a, b, c, 'k_unknown'].sort());
    expect(first.get(a)).toEqual(bus.keyOf(a));
    expect(second.get(c)).toEqual(bus.keyOf(c));
    expect(third.get('k_unknown')).toBeNull();
  });

  it('sends one request per tenant, each under its own tenant context', async () => {
    const { bus, client, getKeys } = setup();
    const otherTenant = randomUUID();
    const mine = bus.mint(tenantId);

    const [own, foreign] = await Promise.all([client.keysById(tenantId, [mine]), client.keysById(otherTenant, [mine])]);

    expect(
      getKeys()
        .map((r) => r.ctx.tenantId)
        .sort(),
    ).toEqual([tenantId, otherTenant].sort());
    expect(getKeys().every((r) => r.ctx.roles.length === 0)).toBe(true);
    expect(own.get(mine)).toEqual(bus.keyOf(mine));
    expect(foreign.get(mine)).toBeNull();
  });

  it('chunks a large batch by the contract maximum', async () => {
    const { bus, client, getKeys } = setup();
    const kids = Array.from({ length: 1_200 }, () => bus.mint(tenantId));

    const keys = await client.keysById(tenantId, kids);

    expect(getKeys().map((r) => r.payload.kids.length)).toEqual([500, 500, 200]);
    expect(keys.size).toBe(1_200);
  });

  it('answers from the cache, including destroyed (null) keys', async () => {
    const { bus, client, getKeys } = setup();
    const kid = bus.mint(tenantId);
    await client.keysById(tenantId, [kid, 'k_gone']);

    const again = await client.keysById(tenantId, [kid, 'k_gone']);

    expect(getKeys()).toHaveLength(1);
    expect(again.get(kid)).toEqual(bus.keyOf(kid));
    expect(again.get('k_gone')).toBeNull();
  });

  it('joins a lookup already in flight instead of asking again', async () => {
    const { bus, client, getKeys } = setup();
    const kid = bus.mint(tenantId);
    const release = holdRequests(bus);
    const first = client.keysById(tenantId, [kid]);
    await until(() => getKeys().length === 1);

    const second = client.keysById(tenantId, [kid]);
    release();

    expect((await second).get(kid)).toEqual((await first).get(kid));
    expect(getKeys()).toHaveLength(1);
  });

  it('re-fetches after the TTL: a client that missed the broadcast stops decrypting within the window', async () => {
    const { bus, client, clock, getKeys } = setup({ ttlMs: 30_000 });
    const subjectId = randomUUID();
    const shredder = new Shredder(client);
    const Profile = z.object({ name: pii(z.string(), { category: 'name', purpose: 'profile', description: 'name' }) });
    const stored = await shredder.encrypt(Profile, { name: 'Grace Hopper' }, { tenantId, subjectId, aad: 'user-1' });

    bus.destroy(tenantId, subjectId); // the KeysDestroyed broadcast never arrives here
    clock.now = 29_999;
    expect((await shredder.decrypt(Profile, stored, { tenantId, aad: 'user-1' })).data.name).toBe('Grace Hopper');
    expect(getKeys()).toHaveLength(0);

    clock.now = 30_000;
    const { data, redacted } = await shredder.decrypt(Profile, stored, { tenantId, aad: 'user-1' });
    expect(data.name).toBe(REDACTED);
    expect(redacted).toEqual(['name']);
    expect(getKeys()).toHaveLength(1);
  });

  it('evicts at once on the KeysDestroyed broadcast', async () => {
    const { bus, client } = setup();
    const subjectId = randomUUID();
    const { kid } = await client.keyFor({ tenantId, subjectId, purpose: 'profile' });
    expect((await client.keysById(tenantId, [kid])).get(kid)).not.toBeNull();

    bus.broadcast(KeysDestroyed, { tenantId, kids: bus.destroy(tenantId, subjectId) });

    expect((await client.keysById(tenantId, [kid])).get(kid)).toBeNull();
    await expect(client.keyFor({ tenantId, subjectId, purpose: 'profile' })).rejects.toBeInstanceOf(SubjectErasedError);
  });

  it('does not keep a key whose destruction was broadcast while its answer was on the way', async () => {
    const { bus, client, getKeys } = setup();
    const kid = bus.mint(tenantId);
    const release = holdRequests(bus);
    const lookup = client.keysById(tenantId, [kid]);
    await until(() => getKeys().length === 1);

    bus.broadcast(KeysDestroyed, { tenantId, kids: [kid] });
    release();

    expect((await lookup).get(kid)).toBeNull();
  });

  it('keeps the cache bounded, dropping the least recently used key', async () => {
    const { bus, client, getKeys } = setup({ maxEntries: 2 });
    const [a, b, c] = [bus.mint(tenantId), bus.mint(tenantId), bus.mint(tenantId)];
    await client.keysById(tenantId, [a]);
    await client.keysById(tenantId, [b]);
    await client.keysById(tenantId, [a]); // a is now the most recent
    await client.keysById(tenantId, [c]);
    expect(getKeys()).toHaveLength(3);

    await client.keysById(tenantId, [a]);
    expect(getKeys()).toHaveLength(3);
    await client.keysById(tenantId, [b]);
    expect(getKeys()).toHaveLength(4);
  });

  it('rejects every waiter of a failed request and caches nothing', async () => {
    const { bus, client, getKeys } = setup();
    const kid = bus.mint(tenantId);
    bus.failing = true;
    await expect(Promise.all([client.keysById(tenantId, [kid]), client.keysById(tenantId, [kid])])).rejects.toThrow('service.unavailable');

    bus.failing = false;
    expect((await client.keysById(tenantId, [kid])).get(kid)).toEqual(bus.keyOf(kid));
    expect(getKeys()).toHaveLength(2);
  });
});

describe('NatsKeyClient.keyFor', () => {
  const getOrCreate = (bus: FakeVaultBus) => bus.requestsOf(GetOrCreateKeys);

  it('coalesces scopes into one GetOrCreateKeys request and caches the keys', async () => {
    const { bus, client, getKeys } = setup();
    const subjectId = randomUUID();
    const scopes = [
      { tenantId, subjectId, purpose: 'profile' as const },
      { tenantId, subjectId, purpose: 'booking' as const, period: '2025-W14' },
      { tenantId, subjectId, purpose: 'profile' as const },
    ];

    const [profile, booking, profileAgain] = await Promise.all(scopes.map((s) => client.keyFor(s)));

    expect(getOrCreate(bus)).toHaveLength(1);
    expect(getOrCreate(bus)[0]!.payload.scopes).toEqual([
      { subjectId, purpose: 'profile' },
      { subjectId, purpose: 'booking', period: '2025-W14' },
    ]);
    expect(profileAgain).toEqual(profile);
    expect(booking!.kid).not.toBe(profile!.kid);
    expect(booking!.key).toHaveLength(32);

    await client.keyFor(scopes[0]!);
    await client.keysById(tenantId, [profile!.kid]);
    expect(bus.requests).toHaveLength(1);
    expect(getKeys()).toHaveLength(0);
  });

  it('throws SubjectErasedError for a fenced subject', async () => {
    const { bus, client } = setup();
    const subjectId = randomUUID();
    bus.destroy(tenantId, subjectId);
    await expect(client.keyFor({ tenantId, subjectId, purpose: 'booking' })).rejects.toMatchObject({
      code: 'privacy.subject_erased',
    });
  });
});
