import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openKurrentDbEventStore, openSqliteEventStore, type EventStore } from '@plass/eventstore';
import { openMongoProjectionStore, openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';

export interface StoreConfig {
  dataDir: string;
  eventStore: 'sqlite' | 'kurrentdb';
  kurrentdbUrl?: string;
  projectionStore: 'sqlite' | 'mongodb';
  mongodbUrl?: string;
}

function serviceDir(config: StoreConfig): string {
  const dir = join(config.dataDir, 'booking');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export async function openEventStore(config: StoreConfig): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    if (!config.kurrentdbUrl) throw new Error('PLASS_EVENTSTORE=kurrentdb needs KURRENTDB_URL');
    return openKurrentDbEventStore({ connectionString: config.kurrentdbUrl, checkpointFile: join(serviceDir(config), 'relay-checkpoint.json') });
  }
  return openSqliteEventStore({ file: join(serviceDir(config), 'events.db') });
}

export async function openReadModelStore(config: StoreConfig): Promise<ProjectionStore> {
  if (config.projectionStore === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('PLASS_PROJECTION_STORE=mongodb needs MONGODB_URL');
    return openMongoProjectionStore({ url: config.mongodbUrl, database: 'plass_booking' });
  }
  return openSqliteProjectionStore({ file: join(serviceDir(config), 'read-model.db') });
}
