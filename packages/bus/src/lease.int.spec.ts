import { startNats, waitFor, type NatsServerHandle } from '@plass/testing';
import { Bus } from './bus.js';
import { readLastOfSubject } from './jetstream.js';
import { LEASE_STREAM, Lease, ensureLeaseStore, leaseSubject, runWhileLeader } from './lease.js';

const TTL = 10_000;

/** A clock that only moves when the test says so. */
const clock = () => {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

let names = 0;
const uniqueName = () => `test-lease-${++names}`;

describe('Lease', () => {
  let nats: NatsServerHandle;
  let replicaA: Bus;
  let replicaB: Bus;

  beforeAll(async () => {
    nats = await startNats();
    replicaA = await Bus.connect({ servers: nats.url, name: 'replica-a' });
    replicaB = await Bus.connect({ servers: nats.url, name: 'replica-b' });
    await Promise.all([ensureLeaseStore(replicaA), ensureLeaseStore(replicaB)]);
  });

  afterAll(async () => {
    await replicaB.close();
    await replicaA.close();
    await nats.stop();
  });

  const leases = (bus: Bus | Bus[], name: string, count: number, now: () => number) =>
    Array.from({ length: count }, (_, i) => new Lease(Array.isArray(bus) ? bus[i % bus.length]! : bus, { name, holder: `replica-${i}`, ttlMs: TTL, now }));

  it('creates its stream once, keeping one record per lease', async () => {
    await ensureLeaseStore(replicaA);
    const info = await replicaA.jsm.streams.info(LEASE_STREAM);
    expect(info.config).toMatchObject({ subjects: [leaseSubject('>')], max_msgs_per_subject: 1, storage: 'file' });
  });

  it('lets exactly one of ten concurrent acquirers win, round after round', async () => {
    const time = clock();
    const contenders = leases(replicaA, uniqueName(), 10, time.now);
    for (let round = 0; round < 5; round++) {
      const won = await Promise.all(contenders.map((lease) => lease.acquire()));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(contenders.filter((lease) => lease.holds())).toHaveLength(1);
      // Alternate how the lease becomes free again: released, or left to expire.
      if (round % 2 === 0) await contenders[won.indexOf(true)]!.release();
      else time.advance(TTL);
    }
  });

  it('lets exactly one of two replicas on separate connections win', async () => {
    const time = clock();
    const contenders = leases([replicaA, replicaB], uniqueName(), 10, time.now);
    for (let round = 0; round < 5; round++) {
      const won = await Promise.all(contenders.map((lease) => lease.acquire()));
      expect(won.filter(Boolean)).toHaveLength(1);
      time.advance(TTL);
    }
  });

  it('renews for its holder and keeps others out until it expires', async () => {
    const time = clock();
    const [holder, other] = leases(replicaA, uniqueName(), 2, time.now) as [Lease, Lease];
    expect(await holder.acquire()).toBe(true);
    time.advance(TTL - 1);
    expect(await other.acquire()).toBe(false);
    expect(await holder.acquire()).toBe(true);
    time.advance(TTL - 1);
    expect(holder.holds()).toBe(true);
    expect(await other.acquire()).toBe(false);
    expect(other.holds()).toBe(false);
    time.advance(1);
    expect(holder.holds()).toBe(false);
    expect(await other.acquire()).toBe(true);
    expect(other.holds()).toBe(true);
  });

  it('keeps a lease with more than half its ttl left without writing it, and renews it after', async () => {
    const time = clock();
    const name = uniqueName();
    const [holder, other] = leases(replicaA, name, 2, time.now) as [Lease, Lease];
    const written = async () => (await readLastOfSubject(replicaA, LEASE_STREAM, leaseSubject(name))).seq;
    expect(await holder.acquire()).toBe(true);
    const first = await written();
    time.advance(TTL / 2 - 1);
    expect(await holder.acquire()).toBe(true);
    expect(await written()).toBe(first);
    time.advance(2);
    expect(await holder.acquire()).toBe(true);
    expect(await written()).toBeGreaterThan(first);
    // Renewed: still the holder's well past the first write's expiry.
    time.advance(TTL - 2);
    expect(await other.acquire()).toBe(false);
  });

  it('lets another take it at once after a release', async () => {
    const time = clock();
    const [holder, other] = leases(replicaA, uniqueName(), 2, time.now) as [Lease, Lease];
    expect(await holder.acquire()).toBe(true);
    await holder.release();
    expect(holder.holds()).toBe(false);
    expect(await other.acquire()).toBe(true);
  });

  it('tells a holder whose lease expired and was taken that it no longer holds it', async () => {
    const time = clock();
    const [stale, fresh, third] = leases([replicaA, replicaB, replicaA], uniqueName(), 3, time.now) as [Lease, Lease, Lease];
    expect(await stale.acquire()).toBe(true);
    time.advance(TTL);
    expect(await fresh.acquire()).toBe(true);
    expect(await stale.acquire()).toBe(false);
    expect(stale.holds()).toBe(false);
    expect(await third.acquire()).toBe(false);
  });

  it('does not release a lease it lost without noticing', async () => {
    const time = clock();
    const [stale, fresh, third] = leases(replicaA, uniqueName(), 3, time.now) as [Lease, Lease, Lease];
    expect(await stale.acquire()).toBe(true);
    time.advance(TTL);
    expect(await fresh.acquire()).toBe(true);
    await stale.release();
    expect(await third.acquire()).toBe(false);
    expect(await fresh.acquire()).toBe(true);
  });

  it('treats an unreadable record as free, still by compare-and-set', async () => {
    const name = uniqueName();
    await replicaA.js.publish(leaseSubject(name), new TextEncoder().encode('not json'));
    const [lease] = leases(replicaA, name, 1, clock().now) as [Lease];
    expect(await lease.acquire()).toBe(true);
  });

  it('refuses a name that is not a plain subject token', () => {
    expect(() => new Lease(replicaA, { name: 'booking.*', holder: 'r', ttlMs: TTL })).toThrow();
    expect(() => new Lease(replicaA, { name: 'has space', holder: 'r', ttlMs: TTL })).toThrow();
  });
});

describe('runWhileLeader', () => {
  let nats: NatsServerHandle;
  let replicaA: Bus;
  let replicaB: Bus;

  beforeAll(async () => {
    nats = await startNats();
    replicaA = await Bus.connect({ servers: nats.url, name: 'replica-a' });
    replicaB = await Bus.connect({ servers: nats.url, name: 'replica-b' });
    await ensureLeaseStore(replicaA);
  });

  afterAll(async () => {
    await replicaB.close();
    await replicaA.close();
    await nats.stop();
  });

  it('ticks only on the replica holding the lease, and hands over on stop', async () => {
    const time = clock();
    const name = uniqueName();
    const ticks = { a: 0, b: 0 };
    const a = runWhileLeader(new Lease(replicaA, { name, holder: 'a', ttlMs: TTL, now: time.now }), async () => void ticks.a++, { everyMs: 5 });
    const b = runWhileLeader(new Lease(replicaB, { name, holder: 'b', ttlMs: TTL, now: time.now }), async () => void ticks.b++, { everyMs: 5 });
    try {
      await waitFor(() => ticks.a + ticks.b >= 5, { what: 'ticks on the leader' });
      const [leader, follower] = ticks.a > 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
      expect(ticks[follower]).toBe(0);

      await (leader === 'a' ? a : b).stop();
      const stoppedAt = ticks[leader];
      await waitFor(() => ticks[follower] >= 3, { what: 'the follower to take over' });
      expect(ticks[leader]).toBe(stoppedAt);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('takes over from a leader that stopped renewing once its lease expires', async () => {
    const time = clock();
    const name = uniqueName();
    const crashed = new Lease(replicaA, { name, holder: 'crashed', ttlMs: TTL, now: time.now });
    expect(await crashed.acquire()).toBe(true);
    let ticks = 0;
    let attempts = 0;
    const lease = new Lease(replicaB, { name, holder: 'b', ttlMs: TTL, now: time.now });
    const acquire = lease.acquire.bind(lease);
    lease.acquire = () => (attempts++, acquire());
    const runner = runWhileLeader(lease, async () => void ticks++, { everyMs: 5 });
    try {
      await waitFor(() => attempts >= 3, { what: 'refused attempts while the lease is live' });
      expect(ticks).toBe(0);
      time.advance(TTL);
      await waitFor(() => ticks > 0, { what: 'the runner to take over' });
      expect(await crashed.acquire()).toBe(false);
    } finally {
      await runner.stop();
    }
  });

  it('runs a kicked round after its delay, one round for the kicks made meanwhile', async () => {
    const DELAY = 200;
    const starts: number[] = [];
    const lease = new Lease(replicaA, { name: uniqueName(), holder: 'a', ttlMs: TTL, now: clock().now });
    const runner = runWhileLeader(lease, async () => void starts.push(Date.now()), { everyMs: 60_000, kickDelayMs: DELAY });
    try {
      await waitFor(() => starts.length === 1, { what: 'the first round' });
      const kickedAt = Date.now();
      for (let i = 0; i < 5; i++) runner.kick();
      await waitFor(() => starts.length === 2, { what: 'the kicked round' });
      expect(starts[1]! - kickedAt).toBeGreaterThanOrEqual(DELAY - 5);
      runner.kick();
      await waitFor(() => starts.length >= 3, { what: 'the next kicked round' });
      expect(starts).toHaveLength(3);
    } finally {
      await runner.stop();
    }
  });

  it('reports a failing tick and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = runWhileLeader(
      new Lease(replicaA, { name: uniqueName(), holder: 'a', ttlMs: TTL, now: clock().now }),
      async () => {
        calls++;
        throw new Error('tick failed');
      },
      { everyMs: 5, onError: (error) => errors.push(error) },
    );
    try {
      await waitFor(() => calls >= 3, { what: 'ticks after a failure' });
      expect(errors.length).toBeGreaterThanOrEqual(2);
    } finally {
      await runner.stop();
    }
  });

  it('stops when its signal aborts and releases the lease', async () => {
    const name = uniqueName();
    const time = clock();
    const controller = new AbortController();
    let ticks = 0;
    runWhileLeader(new Lease(replicaA, { name, holder: 'a', ttlMs: TTL, now: time.now }), async () => void ticks++, {
      everyMs: 5,
      signal: controller.signal,
    });
    await waitFor(() => ticks > 0, { what: 'a first tick' });
    controller.abort();
    const other = new Lease(replicaB, { name, holder: 'b', ttlMs: TTL, now: time.now });
    await waitFor(() => other.acquire(), { what: 'the lease to be released after abort' });
  });
});
