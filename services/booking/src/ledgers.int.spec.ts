import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '@plass/contracts';
import { openSqliteEventStore, StreamStates, WrongExpectedRevisionError, type SqliteEventStore } from '@plass/eventstore';
import { Shredder, type DataKey, type KeyProvider, type KeyScope } from '@plass/shredder';
import { waitFor } from '@plass/testing';
import { LedgerPseudonyms } from './ledger-pseudonym.js';
import { Ledgers } from './ledgers.js';

/**
 * Keys in memory, standing in for the key vault (privacy's service, tested with its own suite):
 * what is under test here is what a cached ledger does when a key disappears without the
 * KeysDestroyed broadcast reaching it.
 */
class InMemoryKeys implements KeyProvider {
  private readonly keys = new Map<string, { scope: KeyScope; key: Buffer }>();
  lookups = 0;

  async keyFor(scope: KeyScope): Promise<DataKey> {
    for (const [kid, entry] of this.keys) {
      const s = entry.scope;
      if (s.tenantId === scope.tenantId && s.subjectId === scope.subjectId && s.purpose === scope.purpose && s.period === scope.period) return { kid, key: entry.key };
    }
    const kid = `k_${randomBytes(12).toString('base64url')}`;
    this.keys.set(kid, { scope, key: randomBytes(32) });
    return { kid, key: this.keys.get(kid)!.key };
  }

  async keysById(tenantId: string, kids: string[]): Promise<Map<string, Buffer | null>> {
    this.lookups += 1;
    return new Map(kids.map((kid) => [kid, this.keys.get(kid)?.scope.tenantId === tenantId ? this.keys.get(kid)!.key : null]));
  }

  destroyPeriod(period: string): void {
    for (const [kid, entry] of this.keys) if (entry.scope.period === period) this.keys.delete(kid);
  }
}

describe('Ledgers at the refold bound (real SQLite)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: number;
  const tenantId = randomUUID();
  const userId = randomUUID();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plass-ledgers-'));
    store = openSqliteEventStore({ file: join(dir, 'events.db') });
    reads = 0;
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const setUp = async () => {
    const keys = new InMemoryKeys();
    let now = 0;
    const counting = { readStream: (...args: Parameters<SqliteEventStore['readStream']>) => ((reads += 1), store.readStream(...args)) };
    const states = new StreamStates(counting, { maxStreams: 100 }, () => now);
    const ledgers = new Ledgers({ events: store, shredder: new Shredder(keys), keys, pseudonyms: new LedgerPseudonyms(keys), states, refoldAfterMs: 30_000 });
    const streamId = await ledgers.streamOf(tenantId, userId);
    const add = async (start: string, end: string) => {
      const clear: DomainEvent[] = [{ type: 'LedgerBookingAdded', data: { bookingId: randomUUID(), spaceId: randomUUID(), start, end } }];
      const sealed = await ledgers.seal(clear, { tenantId, bookedBy: userId, end, streamId });
      await store.appendToStream(
        streamId,
        sealed.map((event) => ({ id: randomUUID(), type: event.type, data: event.data })),
      );
    };
    await add('2030-03-04T09:00:00.000Z', '2030-03-04T10:00:00.000Z');
    await add('2030-03-05T09:00:00.000Z', '2030-03-05T10:00:00.000Z');
    const entries = async () => (await ledgers.load(tenantId, streamId)).state.bookings.values().map((entry) => entry.end);
    return { keys, ledgers, streamId, entries, at: (ms: number) => (now = ms) };
  };

  it('keeps a cached ledger whose keys all exist without reading or decrypting it again', async () => {
    const { keys, entries, at } = await setUp();
    expect(await entries()).toEqual(['2030-03-04T10:00:00.000Z', '2030-03-05T10:00:00.000Z']);
    at(20_000);
    await entries();
    const [readsBefore, lookupsBefore] = [reads, keys.lookups];
    at(30_000);
    await entries();
    await waitFor(() => keys.lookups === lookupsBefore + 1, { what: 'the key check at the bound' });
    // One read for the load itself (it reads what was appended since); none for a refold.
    for (let turn = 0; turn < 5; turn += 1) await new Promise(setImmediate);
    expect(reads).toBe(readsBefore + 1);
  });

  it('folds a cached ledger afresh at the bound once a key of its entries is gone, leaving those entries out', async () => {
    const { keys, entries, at } = await setUp();
    expect(await entries()).toHaveLength(2);
    at(20_000);
    await entries();
    // Retention destroyed the first day's key; the KeysDestroyed broadcast did not reach this replica.
    keys.destroyPeriod('2030-03-04');
    at(30_000);
    await entries();
    await waitFor(async () => (await entries()).length === 1, { what: 'the refold without the destroyed key' });
    expect(await entries()).toEqual(['2030-03-05T10:00:00.000Z']);
  });
});

describe('Ledgers.unread: the periods an exempt booking writes to (real SQLite)', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plass-ledgers-'));
    store = openSqliteEventStore({ file: join(dir, 'events.db') });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads one event of a period, never its entries, and expects what it saw: no stream, then a stream that still exists', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const keys = new InMemoryKeys();
    const reads: Array<{ streamId: string; maxCount: number | undefined }> = [];
    const events = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') {
          return (streamId: string, options?: { fromRevision?: number; maxCount?: number }) => {
            reads.push({ streamId, maxCount: options?.maxCount });
            return target.readStream(streamId, options);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const ledgers = new Ledgers({ events, shredder: new Shredder(keys), keys, pseudonyms: new LedgerPseudonyms(keys), states: new StreamStates(store), refoldAfterMs: 30_000 });
    const name = { tenantId, userId, stream: await ledgers.streamOf(tenantId, userId) };
    const append = async (expectedRevision: 'no_stream' | 'stream_exists', streamId: string) => {
      const end = '2030-03-04T10:00:00.000Z';
      const clear: DomainEvent[] = [{ type: 'LedgerBookingAdded', data: { bookingId: randomUUID(), spaceId: randomUUID(), start: '2030-03-04T09:00:00.000Z', end } }];
      const sealed = await ledgers.seal(clear, { tenantId, bookedBy: userId, end, streamId });
      return store.appendToStreams([{ streamId, expectedRevision, events: sealed.map((event) => ({ id: randomUUID(), type: event.type, data: event.data })) }]);
    };

    const [fresh] = await ledgers.unread(name, ['2030-03']);
    expect(fresh).toMatchObject({ opens: true, expectedRevision: 'no_stream' });
    await append('no_stream', fresh!.streamId);
    await append('stream_exists', fresh!.streamId);

    reads.length = 0;
    const [existing] = await ledgers.unread(name, ['2030-03']);
    expect(existing).toMatchObject({ opens: false, expectedRevision: 'stream_exists' });
    expect(existing!.state.bookings.size).toBe(0);
    expect(reads).toEqual([{ streamId: fresh!.streamId, maxCount: 1 }]);

    // An erasure deleted the period meanwhile: the append decided before it fails, so it runs again and opens the period anew.
    await ledgers.delete(existing!.streamId);
    await expect(append('stream_exists', existing!.streamId)).rejects.toThrow(WrongExpectedRevisionError);
    expect((await ledgers.unread(name, ['2030-03']))[0]).toMatchObject({ opens: true, expectedRevision: 'no_stream' });
  });
});
