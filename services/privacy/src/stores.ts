import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openKurrentDbEventStore, openSqliteEventStore, type EventStore } from '@plass/eventstore';
import { openMongoProjectionStore, openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';

export interface StoreConfig {
  dataDir: string;
  eventStore: 'sqlite' | 'kurrentdb';
  kurrentdbUrl?: string | undefined;
  projectionStore: 'sqlite' | 'mongodb';
  mongodbUrl?: string | undefined;
}

export function privacyDir(dataDir: string): string {
  const dir = join(dataDir, 'privacy');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function openEventStore(config: StoreConfig): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    if (!config.kurrentdbUrl) throw new Error('PLASS_EVENTSTORE=kurrentdb needs KURRENTDB_URL');
    return openKurrentDbEventStore({ connectionString: config.kurrentdbUrl, checkpointFile: join(privacyDir(config.dataDir), 'relay-checkpoint.json') });
  }
  return openSqliteEventStore({ file: join(privacyDir(config.dataDir), 'events.db') });
}

export async function openReadModelStore(config: StoreConfig): Promise<ProjectionStore> {
  if (config.projectionStore === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('PLASS_PROJECTION_STORE=mongodb needs MONGODB_URL');
    return openMongoProjectionStore({ url: config.mongodbUrl, database: 'plass_privacy' });
  }
  return openSqliteProjectionStore({ file: join(privacyDir(config.dataDir), 'read-model.db') });
}
