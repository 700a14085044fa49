import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tuneConnection, type EventStore } from '@plass/eventstore';
import { openServiceEventStore, openServiceProjectionStore, serviceDir, type ProjectionStore } from '@plass/projections';

/** `<dataDir>/identity/events.db`: identity keeps its events in SQLite only. */
export const openEventStore = (dataDir: string): Promise<EventStore> => openServiceEventStore({ dataDir, eventStore: 'sqlite' }, 'identity');

/** `<dataDir>/identity/read-model.db`. */
export const openReadModelStore = (dataDir: string): Promise<ProjectionStore> => openServiceProjectionStore({ dataDir, projectionStore: 'sqlite' }, 'identity');

/**
 * Identity's own state that is never an event: the e-mail blind index, failed logins, refresh-token
 * hashes and wrapped signing keys. `secure_delete` zeroes what is deleted (a forgotten index row,
 * a pruned key) instead of leaving it in free pages.
 */
export function openCredentialsDb(dataDir: string): Database.Database {
  const db = new Database(join(serviceDir(dataDir, 'identity'), 'credentials.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  tuneConnection(db);
  return db;
}
