import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { tempDir, waitFor, type TempDir } from '@plass/testing';
import { openSqliteEventStore } from './sqlite-event-store.js';

describe('WalCheckpointer (real SQLite)', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir('plass-checkpoint-');
  });
  afterEach(() => dir.remove());

  it('moves committed pages from the WAL into the database file off the main thread', async () => {
    const file = join(dir.path, 'events.db');
    const store = openSqliteEventStore({ file });
    const before = statSync(file).size;
    for (let i = 0; i < 200; i++) {
      await store.appendToStream(`space-${i}`, [{ id: randomUUID(), type: 'Added', data: { padding: 'x'.repeat(500) } }]);
    }
    // The main connection checkpoints only past SAFETY_NET_PAGES: growth of the file is the worker's.
    await waitFor(() => statSync(file).size > before + 100_000, { what: 'the worker to checkpoint the WAL' });
    await store.close();
    expect(statSync(file).size).toBeGreaterThan(before);
  });

  it('closes cleanly with several stores in one process, and serves a store opened after the last one closed', async () => {
    const stores = [0, 1, 2].map((i) => openSqliteEventStore({ file: join(dir.path, `s${i}.db`) }));
    await Promise.all(stores.map((store) => store.close()));
    const file = join(dir.path, 'later.db');
    const later = openSqliteEventStore({ file });
    const before = statSync(file).size;
    for (let i = 0; i < 200; i++) await later.appendToStream(`space-${i}`, [{ id: randomUUID(), type: 'Added', data: { padding: 'x'.repeat(500) } }]);
    await waitFor(() => statSync(file).size > before + 100_000, { what: 'a fresh worker to checkpoint the WAL' });
    await later.close();
  });
});
