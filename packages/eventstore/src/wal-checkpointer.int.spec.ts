import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { tempDir, waitFor, type TempDir } from '@plass/testing';
import Database from 'better-sqlite3';
import { openSqliteEventStore } from './sqlite-event-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

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

  it('starts the WAL over under a steady load of commits, with no checkpoint on the writing connection', async () => {
    const file = join(dir.path, 'steady.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // No safety net: only the worker can move pages out of this WAL.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE rows (body BLOB)');
    const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
    const commit = db.transaction(() => {
      for (let i = 0; i < 4; i++) insert.run(Buffer.alloc(3_000, i));
    });
    const checkpointer = new WalCheckpointer(file, 100);
    try {
      // ~5 frames a commit, a commit every ~2 ms as the event store's group commit paces them
      // under load: far more frames than the bound, and never a quiet moment longer than that.
      for (let i = 0; i < 1_500; i++) {
        commit();
        await pause(2);
      }
      const frames = statSync(`${file}-wal`).size / 4_096;
      // The WAL file keeps the size of its longest run: it was started over long before the 7,500 frames written.
      expect(frames).toBeLessThan(4_000);
      expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 6_000 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });
});
