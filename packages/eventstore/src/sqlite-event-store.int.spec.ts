import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { NewEvent } from './event-store.js';
import { DuplicateEventIdError, WrongExpectedRevisionError } from './errors.js';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store.js';
import { describeEventStoreContract } from './testing/event-store-contract.js';
import { RecordingPublisher } from './testing/recording-publisher.js';
import { spawnTs } from './testing/spawn-ts.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'plass-eventstore-'));

describeEventStoreContract('SqliteEventStore', async () => {
  const dir = tempDir();
  const file = join(dir, 'not', 'yet', 'there', 'events.db');
  return {
    open: () => openSqliteEventStore({ file }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
    storageDir: dir,
  };
});

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  let stores: SqliteEventStore[];
  const open = () => {
    const store = openSqliteEventStore({ file });
    stores.push(store);
    return store;
  };
  const event = (): NewEvent => ({ id: randomUUID(), type: 'SomethingHappened', data: {} });
  const inspect = <T>(sql: string): T => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(sql).get() as T;
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, 'events.db');
    stores = [];
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL and writes each appended event to the outbox, which the relay empties', async () => {
    const store = open();
    await store.appendToStream('order-1', [event(), event()]);
    await expect(store.appendToStream('order-1', [event()], { expectedRevision: 'no_stream' })).rejects.toThrow(WrongExpectedRevisionError);

    expect(inspect<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(inspect('SELECT count(*) AS rows FROM outbox')).toEqual({ rows: 2 });

    const relay = store.relay(new RecordingPublisher());
    await relay.start();
    await relay.idle();
    await relay.stop();
    expect(inspect('SELECT count(*) AS rows FROM outbox')).toEqual({ rows: 0 });
    expect(inspect('SELECT count(*) AS rows FROM events')).toEqual({ rows: 2 });
  });

  it('rejects reusing a stored event id other than as an exact retry', async () => {
    const store = open();
    const stored = event();
    await store.appendToStream('order-1', [stored], { expectedRevision: 'no_stream' });

    await expect(store.appendToStream('order-2', [stored])).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.appendToStream('order-1', [stored], { expectedRevision: 0 })).rejects.toMatchObject({
      code: 'eventstore.duplicate_event_id',
    });
    await expect(store.appendToStream('order-1', [event(), stored])).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.appendToStream('order-1', [stored], { expectedRevision: 'any' })).resolves.toMatchObject({
      nextExpectedRevision: 0,
    });
    expect(await store.readStream('order-1')).toHaveLength(1);
    expect(await store.readStream('order-2')).toEqual([]);
  });

  it('lets exactly one of 20 concurrent appends through two stores on one file win', async () => {
    const [a, b] = [open(), open()];
    await a.appendToStream('order-1', [event()]);
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).appendToStream('order-1', [event()], { expectedRevision: 0 })));

    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    expect(attempts.filter((attempt) => attempt.status === 'rejected').map((attempt) => attempt.reason as unknown)).toEqual(
      Array.from({ length: 19 }, () => expect.any(WrongExpectedRevisionError)),
    );
    expect(await b.readStream('order-1')).toHaveLength(2);
  });

  it('commits the appends of one turn together, each with its own outcome (group commit)', async () => {
    const store = open();
    const settled = await Promise.allSettled([
      store.appendToStreams([{ streamId: 'order-1', events: [event()], expectedRevision: 'no_stream' }]),
      store.appendToStreams([
        { streamId: 'order-2', events: [event()], expectedRevision: 'no_stream' },
        { streamId: 'order-1', events: [event()], expectedRevision: 'no_stream' },
      ]),
      store.appendToStream('order-3', [event(), event()], { expectedRevision: 'no_stream' }),
      store.appendToStream('order-1', [event()], { expectedRevision: 0 }),
    ]);

    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    // The failed append rolled back alone: order-2, written in the same append, is not there.
    expect(await store.readStream('order-2')).toEqual([]);
    expect((await store.readStream('order-1')).map((e) => e.revision)).toEqual([0, 1]);
    const positions = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.position] : []));
    expect(positions).toEqual([1n, 3n, 4n]);
    expect(inspect<{ n: number }>('SELECT count(*) AS n FROM outbox').n).toBe(4);
  });

  it('rolls back the whole of an append alone in its turn when one of its streams fails', async () => {
    const store = open();
    await store.appendToStream('order-1', [event()], { expectedRevision: 'no_stream' });

    // Awaited one by one: each append is the only one of its commit.
    await expect(
      store.appendToStreams([
        { streamId: 'order-2', events: [event(), event()], expectedRevision: 'no_stream' },
        { streamId: 'order-1', events: [event()], expectedRevision: 'no_stream' },
      ]),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream('order-2')).toEqual([]);
    expect(inspect<{ n: number }>('SELECT count(*) AS n FROM events').n).toBe(1);
    expect(inspect<{ n: number }>('SELECT count(*) AS n FROM outbox').n).toBe(1);

    const next = await store.appendToStreams([{ streamId: 'order-2', events: [event()], expectedRevision: 'no_stream' }]);
    expect(next.streams).toEqual([{ streamId: 'order-2', nextExpectedRevision: 0 }]);
    expect((await store.readStream('order-1')).map((e) => e.revision)).toEqual([0]);
  });

  it('commits appends queued before a stream is deleted before the delete', async () => {
    const store = open();
    const appended = store.appendToStream('ledger-t-1', [event()]);
    await store.deleteStream('ledger-t-1');
    await appended;
    expect(await store.readStream('ledger-t-1')).toEqual([]);
  });

  it('relays an event after a quiet spell at once, gathers those right after a batch, and idle() cuts the gathering short', async () => {
    const publisher = new RecordingPublisher();
    const store = open();
    const relay = store.relay(publisher, { pollIntervalMs: 60_000, gatherMs: 60_000 });
    await relay.start();
    const first = event();
    await store.appendToStream('order-1', [first]);
    await publisher.waitFor([first.id]);

    const [second, third] = [event(), event()];
    await store.appendToStream('order-1', [second]);
    await store.appendToStream('order-2', [third]);
    // Without the gathering, the relay would have published them within a few turns of the loop.
    for (let turn = 0; turn < 20; turn += 1) await new Promise(setImmediate);
    expect(publisher.published.map((e) => e.id)).toEqual([first.id]);

    await relay.idle();
    expect(publisher.published.map((e) => e.id)).toEqual([first.id, second.id, third.id]);
    await relay.stop();
  });

  it('wakes a relay on appends through another store on the same file in this process', async () => {
    const publisher = new RecordingPublisher();
    const relay = open().relay(publisher, { pollIntervalMs: 60_000 });
    await relay.start();
    const appended = event();
    await open().appendToStream('order-1', [appended]);
    await publisher.waitFor([appended.id]);
    await relay.stop();
  });

  it('keeps expected revisions across processes racing on one file, and relays their events by polling', async () => {
    const target = 40;
    const publisher = new RecordingPublisher();
    const relay = open().relay(publisher, { pollIntervalMs: 20 });
    await relay.start();

    const racers = Array.from({ length: 3 }, () => startRacer(file, 'order-1', target));
    await Promise.all(racers.map((racer) => racer.ready));
    for (const racer of racers) racer.go();
    const reports = await Promise.all(racers.map((racer) => racer.report));

    const won = reports.flatMap((report) => report.won).sort((x, y) => x - y);
    expect(won).toEqual(Array.from({ length: target }, (_, i) => i - 1));
    const events = await open().readStream('order-1');
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: target }, (_, i) => i));

    await publisher.waitFor(events.map((e) => e.id));
    await relay.stop();
    expect(publisher.of(['order-1']).map((e) => e.id)).toEqual(events.map((e) => e.id));
  }, 60_000);
});

/** A separate process appending to `streamId` (see testing/append-race.child.ts), started on `go()`. */
function startRacer(file: string, streamId: string, target: number) {
  const child = spawnTs(new URL('./testing/append-race.child.ts', import.meta.url), [file, streamId, String(target)]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith('ready\n')) resolve();
    }),
  );
  const report = new Promise<{ won: number[]; conflicts: number }>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as { won: number[]; conflicts: number }) : reject(new Error(`racer exited with ${code}: ${stderr}`)),
    ),
  );
  return { ready, report, go: () => child.stdin.write('go\n') };
}
