import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EncryptedValue, EventEnvelope, EventType, SealedEventData } from '@plass/contracts';
import { tempDir, type TempDir } from '@plass/testing';
import { ProjectionRunner, type ProjectionDefinition } from './projection-runner.js';
import type { ProjectionStore } from './projection-store.js';
import { openSqliteProjectionStore } from './sqlite-projection-store.js';

const tenantId = randomUUID();

function envelope<T extends EventType>(type: T, data: SealedEventData<T>): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    tenantId,
    context: 'booking',
    streamId: `space-${'spaceId' in data ? data.spaceId : 'none'}`,
    occurredAt: '2030-01-07T09:00:00.000Z',
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}

interface SpaceRow {
  name: string;
  kind: string;
  bookings: number;
}

/** Counts bookings per space: a projection that reads before it writes. */
const spaceUsage: ProjectionDefinition = {
  name: 'spaceUsage',
  collections: ['spaces', 'bookings'],
  handlers: {
    SpaceCreated: (event, tx) => {
      const { spaceId, name, kind } = event.data;
      tx.put('spaces', spaceId, { name, kind, bookings: 0 });
    },
    BookingConfirmed: (event, tx) => {
      const { bookingId, spaceId, start } = event.data;
      const space = tx.get<SpaceRow>('spaces', spaceId);
      if (!space) throw new Error('space.not_found');
      tx.put('spaces', spaceId, { ...space, bookings: space.bookings + 1 });
      tx.put('bookings', bookingId, { spaceId, start });
    },
  },
};

/** As booking stores it: only the booker's key opens it. */
const sealedBooker: EncryptedValue = { $enc: 'A256GCM', kid: 'booking-key-1', iv: 'aXY', ct: 'Y2lwaGVydGV4dA' };
const booked = (spaceId: string, start: string, end: string) =>
  envelope('BookingConfirmed', { bookingId: randomUUID(), spaceId, kind: 'desk', start, end, bookedBy: sealedBooker });

const spaceA = randomUUID();
const spaceB = randomUUID();
const history: EventEnvelope[] = [
  envelope('SpaceCreated', { spaceId: spaceA, name: 'Desk A', kind: 'desk' }),
  envelope('SpaceCreated', { spaceId: spaceB, name: 'Room B', kind: 'room' }),
  booked(spaceA, '2030-01-07T09:00:00Z', '2030-01-07T17:00:00Z'),
  envelope('SpaceDisabled', { spaceId: spaceB }),
  booked(spaceA, '2030-01-08T09:00:00Z', '2030-01-08T17:00:00Z'),
  booked(spaceB, '2030-01-08T10:00:00Z', '2030-01-08T12:00:00Z'),
];

async function snapshot(store: ProjectionStore) {
  return { spaces: await store.find('spaces', {}), bookings: await store.find('bookings', {}) };
}

describe('ProjectionRunner', () => {
  let dir: TempDir;
  let store: ProjectionStore;
  let runner: ProjectionRunner;

  beforeEach(() => {
    dir = tempDir('plass-runner-');
    store = openSqliteProjectionStore({ file: join(dir.path, 'projections.db') });
    runner = new ProjectionRunner({ definition: spaceUsage, store });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('applies each event once, however often it is delivered', async () => {
    const outcomes = [];
    for (const event of [history[0]!, history[2]!, history[2]!, history[0]!]) outcomes.push(await runner.handle(event));
    expect(outcomes).toEqual(['applied', 'applied', 'duplicate', 'duplicate']);
    expect(await store.get('spaces', spaceA)).toEqual({ name: 'Desk A', kind: 'desk', bookings: 1 });
  });

  it('ignores event types it has no handler for, without touching the store', async () => {
    const disabled = history[3]!;
    expect(await runner.handle(disabled)).toBe('ignored');
    expect(await store.apply(spaceUsage.name, disabled.id, () => undefined)).toBe(true);
  });

  it('rejects when a handler throws, leaving the event to be redelivered', async () => {
    const early = history[2]!;
    await expect(runner.handle(early)).rejects.toThrow('space.not_found');
    expect(await store.find('bookings', {})).toEqual([]);
    await runner.handle(history[0]!);
    expect(await runner.handle(early)).toBe('applied');
  });

  it('commits events handed in together as one group, in order, with the same outcomes as one by one', async () => {
    const batches: number[] = [];
    const counting: ProjectionStore = { ...store, applyBatch: (projection, items) => (batches.push(items.length), store.applyBatch!(projection, items)) };
    const grouped = new ProjectionRunner({ definition: spaceUsage, store: counting });
    const outcomes = await Promise.all([...history, history[2]!].map((event) => grouped.handle(event)));
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'ignored', 'applied', 'applied', 'duplicate']);
    expect(batches).toEqual([6]);
    expect(await store.get('spaces', spaceA)).toEqual({ name: 'Desk A', kind: 'desk', bookings: 2 });
  });

  it('with gatherMs, commits events that arrive a turn apart together, once the gathering wait is over', async () => {
    // Each commit the runner makes, by the number of events in it.
    const commits: number[] = [];
    const counting: ProjectionStore = {
      ...store,
      apply: (projection, eventId, fn) => (commits.push(1), store.apply(projection, eventId, fn)),
      applyBatch: (projection, items) => (commits.push(items.length), store.applyBatch!(projection, items)),
    };
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const handEach = async (target: ProjectionRunner, events: EventEnvelope[]) => {
      const handled: Array<Promise<unknown>> = [];
      for (const event of events) {
        handled.push(target.handle(event));
        await turn();
      }
      return handled;
    };

    const waits: Array<{ ms: number; release: () => void }> = [];
    const wait = (ms: number) => new Promise<void>((release) => waits.push({ ms, release }));
    const gathering = await handEach(new ProjectionRunner({ definition: spaceUsage, store: counting, gatherMs: 250, wait }), history);
    expect(waits.map(({ ms }) => ms)).toEqual([250]);
    expect(commits).toEqual([]);
    waits[0]!.release();
    expect(await Promise.all(gathering)).toEqual(['applied', 'applied', 'applied', 'ignored', 'applied', 'applied']);
    expect(commits).toEqual([5]);
    expect(await store.get('spaces', spaceA)).toEqual({ name: 'Desk A', kind: 'desk', bookings: 2 });

    // Without it, the first event of a quiet spell is committed at once, alone.
    commits.length = 0;
    const later = [booked(spaceA, '2030-01-09T09:00:00Z', '2030-01-09T17:00:00Z'), booked(spaceA, '2030-01-10T09:00:00Z', '2030-01-10T17:00:00Z')];
    await Promise.all(await handEach(new ProjectionRunner({ definition: spaceUsage, store: counting }), later));
    expect(commits).toEqual([1, 1]);
  });

  it('rejects only the failing event of a group, applying the others', async () => {
    const orphan = booked(randomUUID(), '2030-01-09T09:00:00Z', '2030-01-09T17:00:00Z');
    const outcomes = await Promise.allSettled([history[0]!, orphan, history[2]!].map((event) => runner.handle(event)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.get('spaces', spaceA)).toEqual({ name: 'Desk A', kind: 'desk', bookings: 1 });
  });

  it('rebuilds to the same state as live application, from sync and async sources', async () => {
    for (const event of [...history, history[4]!, history[0]!]) await runner.handle(event);
    const live = await snapshot(store);
    expect(live.spaces).toHaveLength(2);
    expect(live.spaces).toEqual(
      expect.arrayContaining([
        { name: 'Desk A', kind: 'desk', bookings: 2 },
        { name: 'Room B', kind: 'room', bookings: 1 },
      ]),
    );
    expect(live.bookings).toHaveLength(3);

    await store.apply('stray', 'x', (tx) => tx.put('spaces', randomUUID(), { name: 'left over', kind: 'desk', bookings: 9 }));
    expect(await runner.rebuild(history)).toEqual({ applied: 5 });
    expect(await snapshot(store)).toEqual(live);

    async function* replay() {
      yield* history;
    }
    expect(await runner.rebuild(replay())).toEqual({ applied: 5 });
    expect(await snapshot(store)).toEqual(live);
  });

  it('holds live events back until a running rebuild has finished', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slowReplay() {
      yield history[0]!;
      await gate;
      yield history[2]!;
    }
    const order: string[] = [];
    const rebuilt = runner.rebuild(slowReplay()).then(() => order.push('rebuild'));
    const live = runner.handle(history[4]!).then((outcome) => order.push(`live:${outcome}`));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    release();
    await Promise.all([rebuilt, live]);
    expect(order).toEqual(['rebuild', 'live:applied']);
    expect(await store.get<SpaceRow>('spaces', spaceA)).toMatchObject({ bookings: 2 });
  });
});
