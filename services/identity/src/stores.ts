import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteEventStore, tuneConnection, type EventStore } from '@plass/eventstore';
import { openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';

export function serviceDir(dataDir: string): string {
  const dir = join(dataDir, 'identity');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export const openEventStore = (dataDir: string): EventStore => openSqliteEventStore({ file: join(serviceDir(dataDir), 'events.db') });

export const openReadModelStore = (dataDir: string): ProjectionStore => openSqliteProjectionStore({ file: join(serviceDir(dataDir), 'read-model.db') });

/**
 * Identity's own state that is never an event: the e-mail blind index, failed logins, refresh-token
 * hashes and wrapped signing keys. `secure_delete` zeroes what is deleted (a forgotten index row,
 * a pruned key) instead of leaving it in free pages.
 */
export function openCredentialsDb(dataDir: string): Database.Database {
  const db = new Database(join(serviceDir(dataDir), 'credentials.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  tuneConnection(db);
  return db;
}
