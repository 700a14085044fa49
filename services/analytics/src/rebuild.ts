import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@plass/contracts';
import { allEnvelopes, type EventStore } from '@plass/eventstore';
import { BACKGROUND_GATHER_MS, ProjectionRunner, type ProjectionStore } from '@plass/projections';
import { analyticsProjection } from './projection.js';

export interface RebuildProgress {
  events: number;
  /** Booking's events when the rebuild started (the second pass counts them first); 0 until known. */
  total: number;
  startedAt: number;
}

export interface RebuildSource {
  /** Booking's event store, read from its first event. */
  open(): EventStore | Promise<EventStore>;
}

export interface Generations {
  current(): string;
  /** Opens the store of a generation (a fresh one is empty). */
  open(generation: string): Promise<ProjectionStore>;
  /** Makes `generation` the one in use, atomically (a pointer write). */
  commit(generation: string): void;
  /** Deletes a generation no longer in use. */
  discard(generation: string): void;
}

/**
 * The live projection with a store that a rebuild can replace: booking's events are replayed into
 * a fresh generation while live events wait (JetStream holds them), then the new store is
 * swapped in and the waiting events applied to it — those the replay already saw are duplicates
 * by id. Nothing the consumer acknowledged is lost, and the old store stays intact until the swap.
 */
export class SwappableProjection {
  private gate: Promise<void> = Promise.resolve();
  private runner: ProjectionRunner;
  private readonly readers = new Map<ProjectionStore, { count: number; idle?: () => void }>();

  constructor(
    private store: ProjectionStore,
    private readonly generations: Generations,
    private readonly logger?: { info(fields: object, message: string): void },
  ) {
    this.runner = this.liveRunner(store);
  }

  /** Analysts read utilization by the hour and the day: live events gather (ADR 0020). */
  private liveRunner(store: ProjectionStore): ProjectionRunner {
    return new ProjectionRunner({ definition: analyticsProjection, store, gatherMs: BACKGROUND_GATHER_MS });
  }

  current(): ProjectionStore {
    return this.store;
  }

  /** Runs a read on the store in use; a swap closes the old store only once its reads are done. */
  async read<T>(fn: (store: ProjectionStore) => Promise<T>): Promise<T> {
    const store = this.store;
    const entry = this.readers.get(store) ?? { count: 0 };
    entry.count += 1;
    this.readers.set(store, entry);
    try {
      return await fn(store);
    } finally {
      entry.count -= 1;
      if (entry.count === 0) {
        this.readers.delete(store);
        entry.idle?.();
      }
    }
  }

  private async retire(store: ProjectionStore): Promise<void> {
    const entry = this.readers.get(store);
    if (entry) await new Promise<void>((resolve) => (entry.idle = resolve));
    await store.close();
  }

  async handle(envelope: EventEnvelope): Promise<unknown> {
    await this.gate;
    return this.runner.handle(envelope);
  }

  /** Replays `source` into a fresh generation and swaps it in; `onProgress` every 5,000 events. */
  async rebuild(source: RebuildSource, onProgress: (progress: RebuildProgress) => void = () => undefined): Promise<RebuildProgress> {
    let release!: () => void;
    const previousGate = this.gate;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    await previousGate;
    const generation = `g${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
    const fresh = await this.generations.open(generation);
    const events = await source.open();
    const progress: RebuildProgress = { events: 0, total: 0, startedAt: Date.now() };
    try {
      // For the progress bar's ETA; stores that cannot count cheaply (KurrentDB) report 0 until done.
      progress.total = (await events.countAll?.()) ?? 0;
      onProgress(progress);
      const runner = this.liveRunner(fresh);
      await runner.rebuild(
        (async function* counted() {
          for await (const envelope of allEnvelopes(events, 2000)) {
            progress.events += 1;
            if (progress.events % 5000 === 0) onProgress(progress);
            yield envelope;
          }
        })(),
      );
      progress.total = Math.max(progress.total, progress.events);
      onProgress(progress);
      const old = this.store;
      const oldGeneration = this.generations.current();
      this.generations.commit(generation);
      this.store = fresh;
      this.runner = runner;
      this.logger?.info({ generation, events: progress.events }, 'analytics store rebuilt and swapped in');
      await this.retire(old);
      this.generations.discard(oldGeneration);
      return progress;
    } catch (error) {
      await fresh.close();
      throw error;
    } finally {
      await events.close();
      release();
    }
  }
}
