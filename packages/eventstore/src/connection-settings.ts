import type Database from 'better-sqlite3';

/**
 * Page cache of each of plass's SQLite connections, in KiB (`PRAGMA cache_size = -N`).
 * better-sqlite3 builds SQLite with 16 MB per connection (SQLite's own default is 2 MB); booking's
 * two files filled theirs within seconds of load, ~30 of its ~190 MB resident. The operating
 * system's page cache holds the files anyway, so a page SQLite no longer caches costs a read call,
 * not a disk read.
 */
export const PAGE_CACHE_KIB = 4_096;

/**
 * What every plass SQLite connection shares, whatever its file: the page cache above, and
 * temporary data kept in memory. Each append's savepoint journals the pages it changes, and past
 * 64 KiB (a large group commit) SQLite would spill that journal, or a sort, to a temporary file:
 * in memory it costs no I/O and leaves no page image in a deleted file.
 */
export function tuneConnection(db: Database.Database): void {
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
}
