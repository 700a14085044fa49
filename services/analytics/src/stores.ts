import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKurrentDbEventStore, openSqliteEventStore, type EventStore } from '@plass/eventstore';
import { openMongoProjectionStore, openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import type { Generations } from './rebuild.js';

export interface StoreConfig {
  dataDir: string;
  /** Where booking's events are read from for a rebuild (the same settings booking uses). */
  eventStore: 'sqlite' | 'kurrentdb';
  kurrentdbUrl?: string | undefined;
  projectionStore: 'sqlite' | 'mongodb';
  mongodbUrl?: string | undefined;
}

export const analyticsDir = (dataDir: string): string => {
  const dir = join(dataDir, 'analytics');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
};

/**
 * The store in use is named by a pointer (`<dataDir>/analytics/current`, or a document in
 * `plass_analytics`), so a rebuild fills a fresh store and swaps it in with one atomic write.
 */
const pointerFile = (dataDir: string) => join(analyticsDir(dataDir), 'current');

export function currentGeneration(dataDir: string): string {
  try {
    return readFileSync(pointerFile(dataDir), 'utf8').trim() || 'g0';
  } catch {
    return 'g0';
  }
}

export function setCurrentGeneration(dataDir: string, generation: string): void {
  const file = pointerFile(dataDir);
  writeFileSync(`${file}.tmp`, generation, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** SQLite: `<dataDir>/analytics/utilization-<generation>.db`; MongoDB: database `plass_analytics` with the generation as collection prefix. */
export async function openAnalyticsStore(config: StoreConfig, generation: string): Promise<ProjectionStore> {
  if (config.projectionStore === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('PLASS_PROJECTION_STORE=mongodb needs MONGODB_URL');
    return await openMongoProjectionStore({ url: config.mongodbUrl, database: generation === 'g0' ? 'plass_analytics' : `plass_analytics_${generation}` });
  }
  return openSqliteProjectionStore({ file: join(analyticsDir(config.dataDir), `utilization-${generation}.db`) });
}

/** Booking's event store, read-only in use: the source of a rebuild. */
export async function openBookingEvents(config: StoreConfig): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    if (!config.kurrentdbUrl) throw new Error('PLASS_EVENTSTORE=kurrentdb needs KURRENTDB_URL');
    return await openKurrentDbEventStore({ connectionString: config.kurrentdbUrl, checkpointFile: join(analyticsDir(config.dataDir), 'unused-checkpoint.json') });
  }
  return openSqliteEventStore({ file: join(config.dataDir, 'booking', 'events.db') });
}

/** The store generations of a configuration: which is in use, opening one, swapping, deleting an old one. */
export function generationsOf(config: StoreConfig): Generations {
  return {
    current: () => currentGeneration(config.dataDir),
    open: (generation) => openAnalyticsStore(config, generation),
    commit: (generation) => setCurrentGeneration(config.dataDir, generation),
    discard: (generation) => {
      // MongoDB: the old database stays for the operator to drop (documented in docs/analytics.md).
      if (config.projectionStore !== 'sqlite') return;
      const file = join(analyticsDir(config.dataDir), `utilization-${generation}.db`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
