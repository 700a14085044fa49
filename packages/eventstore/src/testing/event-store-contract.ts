import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { listFiles, scanForPlaintext } from '@plass/testing';
import type { EventStore, NewEvent, RelayOptions } from '../event-store.js';
import { WrongExpectedRevisionError } from '../errors.js';
import { RecordingPublisher } from './recording-publisher.js';

/** The backing data of one test; every `open()` after the first is a restart on the same data. */
export interface EventStoreFixture {
  open(): EventStore;
  dispose?(): Promise<void>;
  /**
   * Where an embedded adapter keeps all its files: the erasure test byte-scans it. Left out by
   * adapters whose deletion leaves bytes behind by design (KurrentDB, until a scavenge).
   */
  storageDir?: string;
}

/**
 * The behaviour every EventStore adapter must show. Stream names are unique per test and
 * assertions on $all look only at the test's own streams, so a shared server works too.
 */
export function describeEventStoreContract(name: string, newFixture: () => Promise<EventStoreFixture>): void {
  describe(`${name} (EventStore contract)`, () => {
    let fixture: EventStoreFixture;
    let opened: EventStore[];

    // A long poll interval: appends in this process must wake the relay by themselves.
    const relayOptions: RelayOptions = { retry: { initialDelayMs: 1, maxDelayMs: 20 }, pollIntervalMs: 60_000 };

    const open = () => {
      const store = fixture.open();
      opened.push(store);
      return store;
    };
    const stream = (kind: string) => `${kind}-${randomUUID()}`;
    const event = (type = 'SomethingHappened', data: unknown = { n: Math.random() }): NewEvent => ({
      id: randomUUID(),
      type,
      data,
    });
    const ids = (events: { id: string }[]) => events.map((e) => e.id);

    beforeEach(async () => {
      fixture = await newFixture();
      opened = [];
    });

    afterEach(async () => {
      for (const store of opened) await store.close();
      await fixture.dispose?.();
    });

    describe('append and read', () => {
      it('reads back appended events with their ids, types, data, metadata, revisions and positions', async () => {
        const store = open();
        const s = stream('order');
        const first: NewEvent = { id: randomUUID(), type: 'OrderPlaced', data: { items: [1, 2], note: 'ø' } };
        const second: NewEvent = { id: randomUUID(), type: 'OrderPaid', data: { amount: 12.5 }, metadata: { traceparent: 'x' } };

        const result = await store.appendToStream(s, [first, second], { expectedRevision: 'no_stream' });
        const read = await store.readStream(s);

        expect(read).toEqual([expect.objectContaining({ ...first, streamId: s, revision: 0, metadata: {} }), expect.objectContaining({ ...second, streamId: s, revision: 1 })]);
        expect(read.every((e) => e.recordedAt instanceof Date && typeof e.position === 'bigint')).toBe(true);
        expect(read[1]!.position).toBeGreaterThan(read[0]!.position);
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('reports the position of the appended event', async () => {
        const store = open();
        const s = stream('order');
        const result = await store.appendToStream(s, [event()]);
        const [read] = await store.readStream(s);
        expect(result.position).toBe(read!.position);
      });

      it('reads a stream that does not exist as []', async () => {
        expect(await open().readStream(stream('nothing'))).toEqual([]);
      });

      it('reads a stream from a revision, at most maxCount events', async () => {
        const store = open();
        const s = stream('order');
        const events = [event(), event(), event(), event()];
        await store.appendToStream(s, events);

        expect(ids(await store.readStream(s, { fromRevision: 1, maxCount: 2 }))).toEqual(ids(events.slice(1, 3)));
        expect(ids(await store.readStream(s, { fromRevision: 3 }))).toEqual(ids(events.slice(3)));
        expect(await store.readStream(s, { fromRevision: 4 })).toEqual([]);
      });

      it('rejects an append of no events', async () => {
        await expect(open().appendToStream(stream('order'), [])).rejects.toThrow(RangeError);
      });

      it('treats an exact retry of an append (same event ids) as already done', async () => {
        const store = open();
        const s = stream('order');
        const events = [event(), event()];
        const first = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
        const retried = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });

        expect(retried.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(ids(await store.readStream(s))).toEqual(ids(events));
      });
    });

    describe('expected revision', () => {
      const conflict = (streamId: string, expected: unknown, actual: unknown) =>
        expect.objectContaining({ code: 'eventstore.wrong_expected_revision', streamId, expected, actual });

      it('no_stream: appends to a new stream, conflicts with an existing one', async () => {
        const store = open();
        const s = stream('order');
        await expect(store.appendToStream(s, [event()], { expectedRevision: 'no_stream' })).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
        const rejected = store.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
        await expect(rejected).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(rejected).rejects.toEqual(conflict(s, 'no_stream', 0));
      });

      it('stream_exists: conflicts with a new stream, appends to an existing one', async () => {
        const store = open();
        const s = stream('order');
        await expect(store.appendToStream(s, [event()], { expectedRevision: 'stream_exists' })).rejects.toEqual(conflict(s, 'stream_exists', 'no_stream'));
        await store.appendToStream(s, [event()]);
        await expect(store.appendToStream(s, [event()], { expectedRevision: 'stream_exists' })).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });
      });

      it('a revision: appends when it is the last event, conflicts when stale or ahead', async () => {
        const store = open();
        const s = stream('order');
        await expect(store.appendToStream(s, [event()], { expectedRevision: 0 })).rejects.toEqual(conflict(s, 0, 'no_stream'));
        await store.appendToStream(s, [event(), event()]);
        await expect(store.appendToStream(s, [event()], { expectedRevision: 0 })).rejects.toEqual(conflict(s, 0, 1));
        await expect(store.appendToStream(s, [event()], { expectedRevision: 2 })).rejects.toEqual(conflict(s, 2, 1));
        await expect(store.appendToStream(s, [event(), event()], { expectedRevision: 1 })).resolves.toMatchObject({
          nextExpectedRevision: 3,
        });
      });

      it('any: appends whatever the stream holds', async () => {
        const store = open();
        const s = stream('order');
        await store.appendToStream(s, [event()], { expectedRevision: 'any' });
        await expect(store.appendToStream(s, [event()])).resolves.toMatchObject({ nextExpectedRevision: 1 });
      });

      it('a conflicting append writes nothing', async () => {
        const store = open();
        const s = stream('order');
        const kept = event();
        const { position } = await store.appendToStream(s, [kept]);
        await expect(store.appendToStream(s, [event(), event()], { expectedRevision: 'no_stream' })).rejects.toThrow(WrongExpectedRevisionError);

        expect(ids(await store.readStream(s))).toEqual([kept.id]);
        expect(await store.readAll({ fromPosition: position })).toEqual([]);
      });

      it('lets exactly one of concurrent appends at the same revision win', async () => {
        const store = open();
        const s = stream('order');
        await store.appendToStream(s, [event()]);
        const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => store.appendToStream(s, [event()], { expectedRevision: 0 })));

        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        for (const attempt of attempts) {
          if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('multi-stream append', () => {
      it('appends to several streams atomically with each expected revision', async () => {
        const store = open();
        const [schedule, ledger] = [stream('schedule'), stream('ledger')];
        await store.appendToStream(schedule, [event()]);
        const [a, b, c] = [event(), event(), event()];
        const result = await store.appendToStreams([
          { streamId: schedule, events: [a], expectedRevision: 0 },
          { streamId: ledger, events: [b, c], expectedRevision: 'no_stream' },
        ]);

        expect(result.streams).toEqual([
          { streamId: schedule, nextExpectedRevision: 1 },
          { streamId: ledger, nextExpectedRevision: 1 },
        ]);
        expect(ids(await store.readStream(schedule)).slice(1)).toEqual([a.id]);
        const ledgerEvents = await store.readStream(ledger);
        expect(ids(ledgerEvents)).toEqual([b.id, c.id]);
        expect(result.position).toBe(ledgerEvents[1]!.position);
      });

      it('writes nothing when any one stream moved', async () => {
        const store = open();
        const [schedule, ledger] = [stream('schedule'), stream('ledger')];
        await store.appendToStream(ledger, [event()]);
        await expect(
          store.appendToStreams([
            { streamId: schedule, events: [event()], expectedRevision: 'no_stream' },
            { streamId: ledger, events: [event()], expectedRevision: 'no_stream' },
          ]),
        ).rejects.toMatchObject({ streamId: ledger });

        expect(await store.readStream(schedule)).toEqual([]);
        expect(await store.readStream(ledger)).toHaveLength(1);
      });

      it('lets exactly one of racing decisions over overlapping streams win', async () => {
        const store = open();
        const [space, person, other] = [stream('space'), stream('person'), stream('person')];
        const attempts = await Promise.allSettled([
          store.appendToStreams([
            { streamId: space, events: [event()], expectedRevision: 'no_stream' },
            { streamId: person, events: [event()], expectedRevision: 'no_stream' },
          ]),
          store.appendToStreams([
            { streamId: other, events: [event()], expectedRevision: 'no_stream' },
            { streamId: space, events: [event()], expectedRevision: 'no_stream' },
          ]),
        ]);

        expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(space)).toHaveLength(1);
        expect((await store.readStream(person)).length + (await store.readStream(other)).length).toBe(1);
      });

      it('refuses a stream named twice or an empty append', async () => {
        const store = open();
        const s = stream('twice');
        await expect(
          store.appendToStreams([
            { streamId: s, events: [event()], expectedRevision: 'any' },
            { streamId: s, events: [event()], expectedRevision: 'any' },
          ]),
        ).rejects.toThrow(RangeError);
        await expect(store.appendToStreams([])).rejects.toThrow(RangeError);
        await expect(store.appendToStreams([{ streamId: s, events: [], expectedRevision: 'any' }])).rejects.toThrow(RangeError);
      });

      it('relays multi-stream appends like any other', async () => {
        const store = open();
        const publisher = new RecordingPublisher();
        const relay = store.relay(publisher, relayOptions);
        await relay.start();
        const [x, y] = [event(), event()];
        await store.appendToStreams([
          { streamId: stream('a'), events: [x], expectedRevision: 'no_stream' },
          { streamId: stream('b'), events: [y], expectedRevision: 'no_stream' },
        ]);
        await relay.idle();
        expect(ids(publisher.published).filter((id) => id === x.id || id === y.id)).toEqual([x.id, y.id]);
        await relay.stop();
      });
    });

    describe('global order', () => {
      it('gives events of all streams increasing positions in commit order', async () => {
        const store = open();
        const [a, b] = [stream('a'), stream('b')];
        const marker = await store.appendToStream(stream('marker'), [event()]);
        const a0 = await store.appendToStream(a, [event()]);
        const b0 = await store.appendToStream(b, [event(), event()]);
        const a1 = await store.appendToStream(a, [event()]);

        const all = await store.readAll({ fromPosition: marker.position });

        expect(all.map((e) => [e.streamId, e.revision])).toEqual([
          [a, 0],
          [b, 0],
          [b, 1],
          [a, 1],
        ]);
        const positions = all.map((e) => e.position);
        expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : 1)));
        expect(new Set(positions).size).toBe(positions.length);
        expect([a0.position, b0.position, a1.position]).toEqual([positions[0], positions[2], positions[3]]);
        const streamPositions = [...(await store.readStream(a)), ...(await store.readStream(b))].map((e) => e.position);
        expect(streamPositions).toEqual([positions[0], positions[3], positions[1], positions[2]]);
      });

      it('reads $all after a position, at most maxCount events', async () => {
        const store = open();
        const s = stream('order');
        const marker = await store.appendToStream(stream('marker'), [event()]);
        const events = [event(), event(), event()];
        await store.appendToStream(s, events);

        const firstTwo = await store.readAll({ fromPosition: marker.position, maxCount: 2 });
        expect(ids(firstTwo)).toEqual(ids(events.slice(0, 2)));
        expect(ids(await store.readAll({ fromPosition: firstTwo[1]!.position }))).toEqual([events[2]!.id]);
        expect(await store.readAll({ fromPosition: marker.position, maxCount: 0 })).toEqual([]);
      });

      it('reads $all from the start, in order, with every stream', async () => {
        const store = open();
        const [a, b] = [stream('a'), stream('b')];
        const events = [event(), event(), event()];
        await store.appendToStream(a, [events[0]!]);
        await store.appendToStream(b, [events[1]!]);
        await store.appendToStream(a, [events[2]!]);

        const ours = (await store.readAll()).filter((e) => e.streamId === a || e.streamId === b);
        expect(ids(ours)).toEqual(ids(events));
      });
    });

    describe('private streams', () => {
      it('are never relayed, not even beside a public stream in one multi-stream append', async () => {
        const store = open();
        const publisher = new RecordingPublisher();
        const relay = store.relay(publisher, relayOptions);
        await relay.start();
        const [ledger, space] = [stream('ledger'), stream('space')];
        const [kept, booked, later, last] = [event(), event(), event(), event()];
        await store.appendToStreams([
          { streamId: ledger, events: [kept], expectedRevision: 'no_stream' },
          { streamId: space, events: [booked], expectedRevision: 'no_stream' },
        ]);
        await store.appendToStream(ledger, [later], { expectedRevision: 0 });
        await store.appendToStream(space, [last], { expectedRevision: 0 });
        await relay.idle();
        // In-order delivery: once `last` is out, the ledger's earlier events would be too.
        await publisher.waitFor([booked.id, last.id]);
        await relay.stop();

        expect(ids(publisher.of([ledger, space]))).toEqual([booked.id, last.id]);
      });

      it('read, append and check expected revisions like any stream', async () => {
        const store = open();
        const ledger = stream('ledger');
        const events = [event(), event()];
        await store.appendToStream(ledger, [events[0]!], { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(ledger, [event()], { expectedRevision: 'no_stream' })).rejects.toThrow(WrongExpectedRevisionError);
        await expect(store.appendToStream(ledger, [events[1]!], { expectedRevision: 0 })).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });

        const read = await store.readStream(ledger);
        expect(ids(read)).toEqual(ids(events));
        expect(read.map((e) => e.streamId)).toEqual([ledger, ledger]);
      });

      it('are left out of readAll', async () => {
        const store = open();
        const [ledger, space] = [stream('ledger'), stream('space')];
        const marker = await store.appendToStream(stream('marker'), [event()]);
        const [hidden, shown, alsoHidden] = [event(), event(), event()];
        await store.appendToStreams([
          { streamId: ledger, events: [hidden], expectedRevision: 'no_stream' },
          { streamId: space, events: [shown], expectedRevision: 'no_stream' },
        ]);
        await store.appendToStream(ledger, [alsoHidden]);

        expect(ids(await store.readAll({ fromPosition: marker.position }))).toEqual([shown.id]);
        expect(ids(await store.readAll({ fromPosition: marker.position, maxCount: 1 }))).toEqual([shown.id]);
        expect((await store.readAll()).filter((e) => e.streamId === ledger)).toEqual([]);
      });
    });

    describe('stream deletion', () => {
      it('refuses to delete a public stream, which stays as it was', async () => {
        const store = open();
        const space = stream('space');
        await store.appendToStream(space, [event()]);
        await expect(store.deleteStream(space)).rejects.toThrow(RangeError);
        expect(await store.readStream(space)).toHaveLength(1);
      });

      it('deletes a private stream, which then starts over, leaving other streams alone', async () => {
        const store = open();
        const [ledger, other, space] = [stream('ledger'), stream('ledger'), stream('space')];
        await store.appendToStream(ledger, [event(), event()], { expectedRevision: 'no_stream' });
        await store.appendToStream(other, [event()]);
        await store.appendToStream(space, [event()]);

        await store.deleteStream(ledger);

        expect(await store.readStream(ledger)).toEqual([]);
        expect(await store.readStream(other)).toHaveLength(1);
        expect(await store.readStream(space)).toHaveLength(1);
        const again = event();
        await store.appendToStream(ledger, [again], { expectedRevision: 'no_stream' });
        expect(ids(await store.readStream(ledger))).toEqual([again.id]);
      });

      it('resolves for a private stream that does not exist', async () => {
        await expect(open().deleteStream(stream('ledger'))).resolves.toBeUndefined();
      });

      it('leaves no byte of the deleted events in the store files, where the adapter promises that', async () => {
        const store = open();
        const { storageDir } = fixture;
        const ledger = stream('ledger');
        const secret = `erase-me-${randomUUID()}`;
        const deleted = [event('LedgerBookingAdded', { note: secret }), event('LedgerBookingAdded', { note: secret })];
        await store.appendToStream(ledger, deleted, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream('space'), [event()]);
        const needles = [secret, ledger, ...ids(deleted)];
        if (storageDir) expect(scanForPlaintext(storageDir, needles)).not.toEqual([]);

        await store.deleteStream(ledger);

        expect(await store.readStream(ledger)).toEqual([]);
        if (!storageDir) return;
        expect(listFiles(storageDir).length).toBeGreaterThan(0);
        expect(scanForPlaintext(storageDir, needles)).toEqual([]);
      });
    });

    describe('relay', () => {
      it('publishes every committed event in commit order, including those appended while it runs', async () => {
        const store = open();
        const [a, b] = [stream('a'), stream('b')];
        const before = [event(), event()];
        await store.appendToStream(a, before);
        const publisher = new RecordingPublisher();
        const relay = store.relay(publisher, relayOptions);

        await relay.start();
        await relay.idle();
        expect(ids(publisher.of([a, b]))).toEqual(ids(before));

        const during = [event(), event(), event()];
        await store.appendToStream(b, [during[0]!]);
        await store.appendToStream(a, [during[1]!, during[2]!]);
        await publisher.waitFor(ids(during));
        await relay.stop();

        const published = publisher.of([a, b]);
        expect(ids(published)).toEqual(ids([...before, ...during]));
        expect(published).toEqual((await store.readAll()).filter((e) => e.streamId === a || e.streamId === b));
      });

      it('resumes after a restart with what was committed meanwhile, without republishing', async () => {
        const s = stream('order');
        const first = [event(), event()];
        const store = open();
        await store.appendToStream(s, first);
        const publisher = new RecordingPublisher();
        const relay = store.relay(publisher, relayOptions);
        await relay.start();
        await relay.idle();
        await relay.stop();
        const meanwhile = [event(), event()];
        await store.appendToStream(s, meanwhile);
        await store.close();

        const restarted = open();
        const next = new RecordingPublisher();
        const resumed = restarted.relay(next, relayOptions);
        await resumed.start();
        await resumed.idle();
        await resumed.stop();

        expect(ids(publisher.of([s]))).toEqual(ids(first));
        expect(ids(next.of([s]))).toEqual(ids(meanwhile));
      });

      it('retries failed publishes with backoff, losing and reordering nothing', async () => {
        const store = open();
        const s = stream('order');
        const events = [event(), event(), event()];
        await store.appendToStream(s, events);
        const publisher = new RecordingPublisher();
        const failures: unknown[] = [];
        const relay = store.relay(publisher, { ...relayOptions, onError: (error) => failures.push(error) });

        publisher.failNext(4);
        await relay.start();
        await relay.idle();
        await relay.stop();

        expect(failures).toHaveLength(4);
        expect(ids(publisher.of([s]))).toEqual(ids(events));
      });

      it('keeps each stream in order when publishes of several streams fail and are retried', async () => {
        const store = open();
        const [a, b] = [stream('order-a'), stream('order-b')];
        const [a1, b1, a2, b2, a3] = [event(), event(), event(), event(), event()];
        await store.appendToStream(a, [a1]);
        await store.appendToStream(b, [b1]);
        await store.appendToStream(a, [a2]);
        await store.appendToStream(b, [b2]);
        await store.appendToStream(a, [a3]);
        const publisher = new RecordingPublisher();
        const relay = store.relay(publisher, relayOptions);

        publisher.failNext(3);
        await relay.start();
        await relay.idle();
        await relay.stop();

        expect(ids(publisher.of([a]))).toEqual(ids([a1, a2, a3]));
        expect(ids(publisher.of([b]))).toEqual(ids([b1, b2]));
        expect(publisher.published).toHaveLength(5);
      });

      it('stops cleanly while a publisher keeps failing, and publishes the event after a restart', async () => {
        const store = open();
        const s = stream('order');
        const pending = event();
        await store.appendToStream(s, [pending]);
        const publisher = new RecordingPublisher();
        publisher.failNext(Number.POSITIVE_INFINITY);
        let failed!: () => void;
        const firstFailure = new Promise<void>((resolve) => (failed = resolve));
        const relay = store.relay(publisher, { retry: { initialDelayMs: 60_000 }, onError: () => failed() });

        await relay.start();
        const idle = relay.idle();
        await firstFailure;
        await relay.stop();
        await expect(idle).rejects.toThrow('stopped');
        await expect(relay.idle()).rejects.toThrow('not running');

        publisher.failNext(0);
        const again = store.relay(publisher, relayOptions);
        await again.start();
        await again.idle();
        await again.stop();
        expect(ids(publisher.of([s]))).toEqual([pending.id]);
      });
    });
  });
}
