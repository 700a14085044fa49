import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openKurrentDbEventStore, openSqliteEventStore, type EventStore } from '@plass/eventstore';
import type { ProjectionStore } from './projection-store.js';
import { openSqliteProjectionStore } from './sqlite-projection-store.js';

/** Where a service keeps its state: `PLASS_DATA_DIR`, `PLASS_EVENTSTORE` with `KURRENTDB_URL`, `PLASS_PROJECTION_STORE` with `MONGODB_URL`. */
export interface ServiceStoreConfig {
  dataDir: string;
  eventStore: 'sqlite' | 'kurrentdb';
  kurrentdbUrl?: string | undefined;
  projectionStore: 'sqlite' | 'mongodb';
  mongodbUrl?: string | undefined;
}

export type EventStoreConfig = Pick<ServiceStoreConfig, 'dataDir' | 'eventStore' | 'kurrentdbUrl'>;
export type ProjectionStoreConfig = Pick<ServiceStoreConfig, 'dataDir' | 'projectionStore' | 'mongodbUrl'>;

/** `<dataDir>/<service>/`, created for its owner only (0700) when missing. */
export function serviceDir(dataDir: string, service: string): string {
  const dir = join(dataDir, service);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * A service's event store: SQLite `<dataDir>/<service>/events.db`, or KurrentDB with the relay's
 * checkpoint in `<dataDir>/<service>/relay-checkpoint.json` (or `checkpointFile`).
 */
export async function openServiceEventStore(config: EventStoreConfig, service: string, options: { checkpointFile?: string } = {}): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    if (!config.kurrentdbUrl) throw new Error('PLASS_EVENTSTORE=kurrentdb needs KURRENTDB_URL');
    const checkpointFile = options.checkpointFile ?? join(serviceDir(config.dataDir, service), 'relay-checkpoint.json');
    return openKurrentDbEventStore({ connectionString: config.kurrentdbUrl, checkpointFile });
  }
  return openSqliteEventStore({ file: join(serviceDir(config.dataDir, service), 'events.db') });
}

/**
 * A service's projection store: SQLite `<dataDir>/<service>/<file>` (`read-model.db` unless
 * named), or the MongoDB database `plass_<service>` (or `mongoDatabase`).
 */
export async function openServiceProjectionStore(
  config: ProjectionStoreConfig,
  service: string,
  options: { file?: string; mongoDatabase?: string } = {},
): Promise<ProjectionStore> {
  if (config.projectionStore === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('PLASS_PROJECTION_STORE=mongodb needs MONGODB_URL');
    // Loaded only when configured, as `openMongoProjectionStore`: the driver costs every process memory.
    const { openMongoProjectionStore } = await import('./mongo-projection-store.js');
    return await openMongoProjectionStore({ url: config.mongodbUrl, database: options.mongoDatabase ?? `plass_${service}` });
  }
  return openSqliteProjectionStore({ file: join(serviceDir(config.dataDir, service), options.file ?? 'read-model.db') });
}
