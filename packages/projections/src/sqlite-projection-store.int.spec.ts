import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { tempDir } from '@plass/testing';
import Database from 'better-sqlite3';
import { openSqliteProjectionStore } from './sqlite-projection-store.js';
import { projectionStoreContract } from './testing/projection-store-contract.js';

describe('SqliteProjectionStore', () => {
  projectionStoreContract(async () => {
    const dir = tempDir('plass-projections-');
    const file = join(dir.path, 'nested', 'projections.db');
    return { open: async () => openSqliteProjectionStore({ file }), dispose: async () => dir.remove() };
  });

  it('runs in WAL mode with secure_delete, leaving no deleted document in the file', async () => {
    const dir = tempDir('plass-projections-');
    try {
      const file = join(dir.path, 'projections.db');
      const store = openSqliteProjectionStore({ file });
      const marker = 'deleted-value-'.repeat(20);
      await store.apply('p', 'e1', (tx) => tx.put('c', 'x', { marker }));
      await store.apply('p', 'e2', (tx) => tx.delete('c', 'x'));
      await store.close();

      const db = new Database(file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      expect(readFileSync(file).includes(marker)).toBe(false);
    } finally {
      dir.remove();
    }
  });
});
