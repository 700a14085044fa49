import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { tempDir, type TempDir } from '@plass/testing';
import Database from 'better-sqlite3';
import { PAGE_CACHE_KIB, tuneConnection } from './connection-settings.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('plass-connection-');
});
afterEach(() => dir.remove());

it('gives a connection the shared page cache and keeps its temporary data in memory', () => {
  const db = new Database(join(dir.path, 'tuned.db'));
  try {
    tuneConnection(db);
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    // 2 = MEMORY: statement journals and sorts never go to a temporary file.
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
  } finally {
    db.close();
  }
});
