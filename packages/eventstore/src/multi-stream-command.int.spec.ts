import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from './event-store.js';
import { openSqliteEventStore } from './sqlite-event-store.js';
import { tempDir, type TempDir } from '@plass/testing';
import { handleMultiStreamCommand, loadStream as load } from './command-handler.js';

const count = (events: unknown[]) => events.length;
const event = () => ({ id: randomUUID(), type: 'Counted', data: {} });

describe('the command cycle over several streams (real SQLite)', () => {
  let dir: TempDir;
  let store: EventStore;
  beforeEach(() => {
    dir = tempDir('plass-multi-');
    store = openSqliteEventStore({ file: join(dir.path, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  /** Reads `a` and `b`, then (when asked) lets a rival write `b` before appending to both. */
  const cycle = (rival: () => boolean, attempts: { n: number }) => async () => {
    attempts.n += 1;
    const a = await load(store, 'a', count);
    const b = await load(store, 'b', count);
    if (rival()) await store.appendToStream('b', [event()]);
    return {
      appends: [
        { streamId: 'a', expectedRevision: a.expectedRevision, events: [event()] },
        { streamId: 'b', expectedRevision: b.expectedRevision, events: [event()] },
        { streamId: 'c', expectedRevision: 'any' as const, events: [] },
      ],
      result: a.state + b.state,
    };
  };

  it('retries the whole cycle on fresh state when a stream moved, and writes nothing of the failed attempt', async () => {
    const attempts = { n: 0 };
    let rivals = 1;
    const seen = await handleMultiStreamCommand(
      store,
      cycle(() => rivals-- > 0, attempts),
    );
    expect(attempts.n).toBe(2);
    expect(seen).toBe(1);
    expect(await store.readStream('a')).toHaveLength(1);
    expect(await store.readStream('b')).toHaveLength(2);
    expect(await store.readStream('c')).toEqual([]);
  });

  it('answers concurrency.conflict once the retries are spent', async () => {
    const attempts = { n: 0 };
    await expect(
      handleMultiStreamCommand(
        store,
        cycle(() => true, attempts),
        { retries: 2 },
      ),
    ).rejects.toMatchObject({ error: { code: 'concurrency.conflict' } });
    expect(attempts.n).toBe(3);
    expect(await store.readStream('a')).toEqual([]);
  });
});
