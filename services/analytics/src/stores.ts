import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@plass/eventstore';
import { openServiceEventStore, openServiceProjectionStore, serviceDir, type ProjectionStore, type ServiceStoreConfig } from '@plass/projections';
import type { Generations } from './rebuild.js';

/** `eventStore` and `kurrentdbUrl` name booking's event store, read for a rebuild (the same settings booking uses). */
export type StoreConfig = ServiceStoreConfig;

export const analyticsDir = (dataDir: string): string => serviceDir(dataDir, 'analytics');

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

/** SQLite: `<dataDir>/analytics/utilization-<generation>.db`; MongoDB: database `plass_analytics` (`plass_analytics_<generation>` after a rebuild). */
export function openAnalyticsStore(config: StoreConfig, generation: string): Promise<ProjectionStore> {
  return openServiceProjectionStore(config, 'analytics', {
    file: `utilization-${generation}.db`,
    mongoDatabase: generation === 'g0' ? 'plass_analytics' : `plass_analytics_${generation}`,
  });
}

/** Booking's event store, read-only in use: the source of a rebuild (analytics relays nothing from it, so the checkpoint stays unused). */
export function openBookingEvents(config: StoreConfig): Promise<EventStore> {
  return openServiceEventStore(config, 'booking', { checkpointFile: join(analyticsDir(config.dataDir), 'unused-checkpoint.json') });
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
