import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DomainFailure, domainError } from '@plass/contracts';
import { tempDir, waitFor, type TempDir } from '@plass/testing';
import { handleMultiStreamCommand } from './command-handler.js';
import type { EventStore, MultiAppendResult, RecordedEvent } from './event-store.js';
import { openSqliteEventStore } from './sqlite-event-store.js';
import { StreamStates, type Evolver } from './stream-states.js';

const added = (n: number) => ({ id: randomUUID(), type: 'Added', data: { n } });
const sum: Evolver<number> = { initial: 0, evolve: (state, event) => state + (event.data as { n: number }).n };

describe('StreamStates (real SQLite)', () => {
  let dir: TempDir;
  let store: EventStore;
  let reads: Array<number | undefined>;
  let states: StreamStates;
  beforeEach(() => {
    dir = tempDir('plass-states-');
    store = openSqliteEventStore({ file: join(dir.path, 'events.db') });
    reads = [];
    const counting = { readStream: (id: string, options?: { fromRevision?: number }) => (reads.push(options?.fromRevision), store.readStream(id, options)) };
    states = new StreamStates(counting, { maxStreams: 2 });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('folds a new stream from the start, then reads only what was appended since', async () => {
    expect(await states.load('ledger-a', sum)).toEqual({ state: 0, expectedRevision: 'no_stream' });
    await store.appendToStream('ledger-a', [added(1), added(2)]);
    expect(await states.load('ledger-a', sum)).toEqual({ state: 3, expectedRevision: 1 });
    await store.appendToStream('ledger-a', [added(4)]);
    expect(await states.load('ledger-a', sum)).toEqual({ state: 7, expectedRevision: 2 });
    expect(await states.load('ledger-a', sum)).toEqual({ state: 7, expectedRevision: 2 });
    expect(reads).toEqual([0, 0, 2, 3]);
  });

  it('keeps states of different evolvers apart, and prepares only new events', async () => {
    const prepared: number[] = [];
    const doubled: Evolver<number> = {
      ...sum,
      prepare: async (events: RecordedEvent[]) => {
        prepared.push(events.length);
        return events.map((event) => ({ ...event, data: { n: (event.data as { n: number }).n * 2 } }));
      },
    };
    await store.appendToStream('s', [added(1), added(2)]);
    expect((await states.load('s', sum)).state).toBe(3);
    expect((await states.load('s', doubled)).state).toBe(6);
    await store.appendToStream('s', [added(5)]);
    expect((await states.load('s', doubled)).state).toBe(16);
    expect(prepared).toEqual([2, 1]);
  });

  it('after forget, a deleted and recreated stream is read afresh', async () => {
    await store.appendToStream('ledger-b', [added(1), added(2), added(3)]);
    expect((await states.load('ledger-b', sum)).state).toBe(6);
    await store.deleteStream('ledger-b');
    await store.appendToStream('ledger-b', [added(10)]);
    states.forget(['ledger-b']);
    expect(await states.load('ledger-b', sum)).toEqual({ state: 10, expectedRevision: 0 });
  });

  it('a command whose append fails on a stale state forgets it and succeeds on fresh state', async () => {
    await store.appendToStream('ledger-c', [added(1), added(2), added(3)]);
    await states.load('ledger-c', sum);
    // Another replica deletes and recreates the stream: the cached revision 2 is now wrong.
    await store.deleteStream('ledger-c');
    await store.appendToStream('ledger-c', [added(100)]);
    let attempts = 0;
    const total = await handleMultiStreamCommand(
      store,
      async () => {
        attempts += 1;
        const loaded = await states.load('ledger-c', sum);
        return { appends: [{ streamId: 'ledger-c', expectedRevision: loaded.expectedRevision, events: [added(1)] }], result: loaded.state + 1 };
      },
      { states },
    );
    expect(total).toBe(101);
    expect(attempts).toBe(2);
  });

  it('moves a state on by what this process appended, so the next load reads nothing it wrote', async () => {
    const command = (n: number) =>
      handleMultiStreamCommand(
        store,
        async () => {
          const loaded = await states.load('ledger-d', sum);
          const events = [added(n), added(n)];
          const appends = [{ streamId: 'ledger-d', expectedRevision: loaded.expectedRevision, events }];
          return {
            appends,
            result: undefined,
            appended: (written: MultiAppendResult) => states.appended('ledger-d', sum, loaded, events, written.streams[0]!.nextExpectedRevision),
          };
        },
        { states },
      );
    await command(1);
    await command(10);
    expect(await states.load('ledger-d', sum)).toEqual({ state: 22, expectedRevision: 3 });
    // The first load folds the empty stream; every later one finds nothing new after the cached revision.
    expect(reads).toEqual([0, 2, 4]);
    expect((await new StreamStates(store).load('ledger-d', sum)).state).toBe(22);
  });

  describe('optimistic commands (another replica writes the same file)', () => {
    /** A seat: a positive sum means taken. Taking it is refused while it is taken. */
    const take = (seat: string, n: number, tries: boolean[]) =>
      handleMultiStreamCommand(
        store,
        async ({ optimistic }) => {
          tries.push(optimistic);
          const loaded = await states.load(seat, sum, { optimistic });
          if (loaded.state > 0) throw new DomainFailure(domainError('booking.conflict', 'the seat is taken'));
          return { appends: [{ streamId: seat, expectedRevision: loaded.expectedRevision, events: [added(n)] }], result: n };
        },
        { states, optimistic: true },
      );

    it('answers from the cache without reading, and an append on a moved state runs again on fresh state', async () => {
      await store.appendToStream('seat-1', [added(0)]);
      await states.load('seat-1', sum);
      expect(await states.load('seat-1', sum, { optimistic: true })).toEqual({ state: 0, expectedRevision: 0 });
      expect(reads).toEqual([0]);
      await store.appendToStream('seat-1', [added(1)]); // the other replica takes the seat
      const tries: boolean[] = [];
      await expect(take('seat-1', 5, tries)).rejects.toThrow('booking.conflict');
      // Free in the stale cache: the append failed on revision 0, so the next cycle read the store.
      expect(tries).toEqual([true, true, false]);
      expect((await store.readStream('seat-1')).map((event) => event.data)).toEqual([{ n: 0 }, { n: 1 }]);
    });

    it('decides a refusal on cached states once more on fresh ones before answering it', async () => {
      await store.appendToStream('seat-2', [added(1)]);
      await states.load('seat-2', sum);
      await store.appendToStream('seat-2', [added(-1)]); // the other replica gives the seat back
      const tries: boolean[] = [];
      expect(await take('seat-2', 7, tries)).toBe(7);
      expect(tries).toEqual([true, false]);
      expect((await store.readStream('seat-2')).map((event) => event.data)).toEqual([{ n: 1 }, { n: -1 }, { n: 7 }]);
    });
  });

  it('leaves a state forgotten or moved since the load to the next load', async () => {
    await store.appendToStream('ledger-e', [added(1)]);
    const loaded = await states.load('ledger-e', sum);
    const mine = [added(5)];
    await store.appendToStream('ledger-e', mine, { expectedRevision: 0 });
    states.forget(['ledger-e']);
    states.appended('ledger-e', sum, loaded, mine, 1);
    expect(await states.load('ledger-e', sum)).toEqual({ state: 6, expectedRevision: 1 });
    expect(reads).toEqual([0, 0]);

    // Another replica's event, then a stale report of this process's append: folded from the store.
    await store.appendToStream('ledger-e', [added(100)]);
    const stale = await states.load('ledger-e', sum);
    states.appended('ledger-e', sum, loaded, mine, 1);
    expect(stale.state).toBe(106);
    expect(await states.load('ledger-e', sum)).toEqual({ state: 106, expectedRevision: 2 });
  });
  it('keeps at most maxStreams states, dropping the least recently used', async () => {
    for (const id of ['x', 'y', 'z']) await store.appendToStream(id, [added(1)]);
    await states.load('x', sum);
    await states.load('y', sum);
    await states.load('x', sum);
    await states.load('z', sum);
    expect(states.size).toBe(2);
    reads.length = 0;
    await states.load('x', sum);
    await states.load('y', sum);
    expect(reads).toEqual([1, 0]);
  });
});

describe('StreamStates bounded in entries (real SQLite)', () => {
  let dir: TempDir;
  let store: EventStore;
  let reads: string[];
  let states: StreamStates;
  // Each Added event is one entry of the state: a state of n events weighs n.
  const entries: Evolver<number> = { initial: 0, evolve: (state) => state + 1, weigh: (state) => state };
  beforeEach(() => {
    dir = tempDir('plass-states-entries-');
    store = openSqliteEventStore({ file: join(dir.path, 'events.db') });
    reads = [];
    states = new StreamStates({ readStream: (id: string, options?: { fromRevision?: number }) => (reads.push(id), store.readStream(id, options)) }, { maxEntries: 5 });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('drops the states read longest ago once their entries together pass the bound, however few streams', async () => {
    await store.appendToStream('a', [added(1), added(1), added(1)]);
    await store.appendToStream('b', [added(1), added(1)]);
    await store.appendToStream('c', [added(1), added(1)]);
    await states.load('a', entries);
    await states.load('b', entries);
    expect(states.entryCount).toBe(5);
    await states.load('c', entries);
    expect(states.size).toBe(2);
    expect(states.entryCount).toBe(4);
    reads.length = 0;
    await states.load('b', entries);
    await states.load('c', entries);
    expect(reads).toEqual(['b', 'c']);
    expect((await states.load('a', entries)).state).toBe(3);
    expect(states.entryCount).toBe(5);
  });

  it('counts what this process appended, and keeps a state alone over the bound (the command needs it)', async () => {
    await store.appendToStream('a', [added(1)]);
    await store.appendToStream('b', [added(1), added(1)]);
    await states.load('a', entries);
    const b = await states.load('b', entries);
    const more = [added(1), added(1), added(1), added(1)];
    const written = await store.appendToStream('b', more, { expectedRevision: b.expectedRevision });
    states.appended('b', entries, b, more, written.nextExpectedRevision);
    expect(states.size).toBe(1);
    expect(states.entryCount).toBe(6);
    reads.length = 0;
    expect((await states.load('b', entries, { optimistic: true })).state).toBe(6);
    expect(reads).toEqual([]);
    states.forget(['b']);
    expect(states.entryCount).toBe(0);
  });
});

describe('StreamStates with a maximum age (real SQLite)', () => {
  let dir: TempDir;
  let store: EventStore;
  beforeEach(() => {
    dir = tempDir('plass-states-age-');
    store = openSqliteEventStore({ file: join(dir.path, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('answers from the cache while it is younger than maxAgeMs, then reads what changed', async () => {
    let now = 1_000;
    const states = new StreamStates(store, { maxStreams: 100 }, () => now);
    expect(await states.load('policy-t', sum, { maxAgeMs: 1_000 })).toEqual({ state: 0, expectedRevision: 'no_stream' });
    await store.appendToStream('policy-t', [added(5)]);
    now += 999;
    expect(await states.load('policy-t', sum, { maxAgeMs: 1_000 })).toEqual({ state: 0, expectedRevision: 'no_stream' });
    now += 1;
    expect(await states.load('policy-t', sum, { maxAgeMs: 1_000 })).toEqual({ state: 5, expectedRevision: 0 });
  });

  it('reads at once after its writer forgets the stream', async () => {
    const states = new StreamStates(store, { maxStreams: 100 }, () => 0);
    await states.load('location-t', sum, { maxAgeMs: 60_000 });
    await store.appendToStream('location-t', [added(7)]);
    states.forget(['location-t']);
    expect((await states.load('location-t', sum, { maxAgeMs: 60_000 })).state).toBe(7);
  });
});

describe('StreamStates and forgetting (real SQLite)', () => {
  let dir: TempDir;
  let store: EventStore;
  beforeEach(() => {
    dir = tempDir('plass-states-forget-');
    store = openSqliteEventStore({ file: join(dir.path, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('does not cache what a load read when the stream was forgotten while it ran', async () => {
    const states = new StreamStates(store, { maxStreams: 100 });
    await store.appendToStream('ledger-x', [added(1), added(2)]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new StreamStates(
      {
        readStream: async (id, options) => {
          const read = await store.readStream(id, options);
          await gate;
          return read;
        },
      },
      { maxStreams: 100 },
    );
    const loading = slow.load('ledger-x', sum);
    slow.forget(['ledger-x']);
    release();
    expect((await loading).state).toBe(3);
    await store.deleteStream('ledger-x');
    await store.appendToStream('ledger-x', [added(10), added(20), added(30)]);
    // Had the racing load been cached at revision 1, this would fold 30 onto 3.
    expect((await slow.load('ledger-x', sum)).state).toBe(60);
    expect((await states.load('ledger-x', sum)).state).toBe(60);
  });

  it('refolds a state older than refoldAfterMs in the background, answering from the cache meanwhile', async () => {
    let now = 0;
    const prepared: number[] = [];
    const decrypting: Evolver<number> = { ...sum, prepare: async (events: RecordedEvent[]) => (prepared.push(events.length), events) };
    const states = new StreamStates(store, { maxStreams: 100 }, () => now);
    await store.appendToStream('ledger-y', [added(1), added(2)]);
    await states.load('ledger-y', decrypting, { refoldAfterMs: 30_000 });
    await store.appendToStream('ledger-y', [added(3)]);
    now = 14_999;
    expect((await states.load('ledger-y', decrypting, { refoldAfterMs: 30_000 })).state).toBe(6);
    expect(prepared).toEqual([2, 1]);
    now = 30_000;
    expect((await states.load('ledger-y', decrypting, { refoldAfterMs: 30_000 })).state).toBe(6);
    await waitFor(() => prepared.length === 3, { what: 'the background refold' });
    expect(prepared).toEqual([2, 1, 3]);
  });

  it('keeps a state its evolver revalidates at the refold bound without reading the stream, and refolds one it does not', async () => {
    let now = 0;
    let valid = true;
    const prepared: number[] = [];
    const checked: number[] = [];
    const checking: Evolver<number> = {
      ...sum,
      prepare: async (events: RecordedEvent[]) => (prepared.push(events.length), events),
      revalidate: async (state) => (checked.push(state), valid),
    };
    const states = new StreamStates(store, { maxStreams: 100 }, () => now);
    await store.appendToStream('ledger-v', [added(1), added(2)]);
    await states.load('ledger-v', checking, { refoldAfterMs: 30_000 });
    // Read within the bound, so the sweep keeps it.
    now = 20_000;
    await states.load('ledger-v', checking, { refoldAfterMs: 30_000 });

    now = 30_000;
    await states.load('ledger-v', checking, { refoldAfterMs: 30_000 });
    await waitFor(() => checked.length === 1, { what: 'the revalidation' });
    expect(prepared).toEqual([2]);
    // Renewed: not due again within the next bound's first half.
    now = 44_999;
    await states.load('ledger-v', checking, { refoldAfterMs: 30_000 });
    for (let turn = 0; turn < 5; turn += 1) await new Promise(setImmediate);
    expect(checked).toEqual([3]);

    valid = false;
    now = 61_000;
    await states.load('ledger-v', checking, { refoldAfterMs: 30_000 });
    await waitFor(() => prepared.length === 2, { what: 'the refold after a failed revalidation' });
    expect(checked).toEqual([3, 3]);
    expect(prepared).toEqual([2, 2]);
  });

  it('drops the checked states nobody read for keepUnusedMs and plain ones nobody read within the bound (swept every half of it)', async () => {
    let now = 0;
    const states = new StreamStates(store, { maxStreams: 100, keepUnusedMs: 60_000 }, () => now);
    await store.appendToStream('ledger-z', [added(1)]);
    await store.appendToStream('ledger-w', [added(1)]);
    await store.appendToStream('space-plain', [added(1)]);
    await states.load('ledger-z', sum, { refoldAfterMs: 30_000 });
    await states.load('ledger-w', sum, { refoldAfterMs: 30_000 });
    await states.load('space-plain', sum);
    now = 29_999;
    await states.load('ledger-w', sum, { refoldAfterMs: 30_000 });
    expect(states.size).toBe(3);
    // Past the bound: the plain state goes; the unused ledger is kept (and checked as it falls due).
    for (now = 35_000; now < 60_000; now += 15_000) await states.load('ledger-w', sum, { refoldAfterMs: 30_000 });
    expect(states.size).toBe(2);
    now = 66_000;
    await states.load('ledger-w', sum, { refoldAfterMs: 30_000 });
    expect(states.size).toBe(1);
  });

  it('checks a state loaded after an idle spell past one and a half bounds before answering with it', async () => {
    let now = 0;
    const read: string[] = [];
    let keysExist = true;
    const checked: number[] = [];
    const checking: Evolver<number> = {
      ...sum,
      prepare: async (events: RecordedEvent[]) => (keysExist ? events : []),
      revalidate: async (state) => (checked.push(state), keysExist),
    };
    const states = new StreamStates(
      { readStream: (id: string, options?: { fromRevision?: number }) => (read.push(id), store.readStream(id, options)) },
      { maxStreams: 100 },
      () => now,
    );
    await store.appendToStream('ledger-idle', [added(1), added(2)]);
    expect((await states.load('ledger-idle', checking, { refoldAfterMs: 30_000, optimistic: true })).state).toBe(3);
    // Nothing loads for a minute: no sweep runs. Its keys still exist: kept, checked, not read again.
    now = 60_000;
    expect((await states.load('ledger-idle', checking, { refoldAfterMs: 30_000, optimistic: true })).state).toBe(3);
    expect(checked).toEqual([3]);
    expect(read).toEqual(['ledger-idle']);
    // Another idle minute, and the key was destroyed meanwhile (the broadcast missed): the answer is the fresh fold.
    keysExist = false;
    now = 120_000;
    expect((await states.load('ledger-idle', checking, { refoldAfterMs: 30_000, optimistic: true })).state).toBe(0);
    expect(checked).toEqual([3, 3]);
    expect(read).toEqual(['ledger-idle', 'ledger-idle']);
  });

  it('keeps a state the cache keeps answering past the bound, and drops one nobody loads', async () => {
    let now = 0;
    const read: string[] = [];
    const states = new StreamStates(
      { readStream: (id: string, options?: { fromRevision?: number }) => (read.push(id), store.readStream(id, options)) },
      { maxStreams: 100, keepUnusedMs: 30_000 },
      () => now,
    );
    // Revalidated at every bound without a read, so every read below is a fold the cache missed.
    const revalidated: Evolver<number> = { ...sum, revalidate: async () => true };
    await store.appendToStream('ledger-in-use', [added(1)]);
    await store.appendToStream('ledger-unused', [added(1)]);
    await states.load('ledger-in-use', revalidated, { refoldAfterMs: 30_000 });
    await states.load('ledger-unused', revalidated, { refoldAfterMs: 30_000 });
    for (now = 10_000; now <= 90_000; now += 10_000) {
      expect((await states.load('ledger-in-use', revalidated, { refoldAfterMs: 30_000, optimistic: true })).state).toBe(1);
      for (let turn = 0; turn < 5; turn += 1) await new Promise(setImmediate);
    }
    expect(read).toEqual(['ledger-in-use', 'ledger-unused']);
    expect(states.size).toBe(1);
  });

  it('checks a state whose refold fell due after its last load within half a bound, loaded or not', async () => {
    let now = 0;
    const checked: string[] = [];
    const prepared: string[] = [];
    // The key its entries were decrypted with is destroyed after the last load (the broadcast missed).
    let keysExist = true;
    const checking: Evolver<number> = {
      ...sum,
      prepare: async (events: RecordedEvent[], id: string) => (prepared.push(id), keysExist ? events : []),
      revalidate: async (_state, id) => (checked.push(id), keysExist),
    };
    const states = new StreamStates(store, { maxStreams: 100 }, () => now);
    // Every state is drawn the latest refold point, the whole bound: loaded at 29 s, it is not yet due.
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999_999);
    try {
      await store.appendToStream('ledger-left', [added(1)]);
      await store.appendToStream('ledger-busy', [added(1)]);
      await states.load('ledger-left', checking, { refoldAfterMs: 30_000 });
      await states.load('ledger-busy', checking, { refoldAfterMs: 30_000 });
      now = 29_000;
      expect((await states.load('ledger-left', checking, { refoldAfterMs: 30_000, optimistic: true })).state).toBe(1);
      keysExist = false;
      // Only another stream is loaded from here on; the sweep at 45 s finds ledger-left's check overdue.
      for (now = 35_000; now <= 45_000; now += 5_000) {
        await states.load('ledger-busy', checking, { refoldAfterMs: 30_000, optimistic: true });
        for (let turn = 0; turn < 5; turn += 1) await new Promise(setImmediate);
      }
    } finally {
      random.mockRestore();
    }
    expect(checked).toContain('ledger-left');
    // Folded afresh without the destroyed key's entries.
    expect(prepared.filter((id) => id === 'ledger-left')).toHaveLength(2);
    expect((await states.load('ledger-left', checking, { refoldAfterMs: 30_000, optimistic: true })).state).toBe(0);
  });

  it('forgetWhere drops every stream it names', async () => {
    const states = new StreamStates(store, { maxStreams: 100 });
    for (const id of ['ledger-t1-a', 'ledger-t1-b', 'ledger-t2-a']) {
      await store.appendToStream(id, [added(1)]);
      await states.load(id, sum);
    }
    states.forgetWhere((id) => id.startsWith('ledger-t1-'));
    expect(states.size).toBe(1);
  });
});
