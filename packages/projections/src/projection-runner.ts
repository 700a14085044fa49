import { isEventType, typedEnvelope, type EventEnvelope, type EventType, type TypedEnvelope } from '@plass/contracts';
import type { ProjectionFn, ProjectionStore, ProjectionTx } from './projection-store.js';

/** Pure: the same event and the same documents always give the same writes. */
export type ProjectionHandler<T extends EventType = EventType> = (event: TypedEnvelope<T>, tx: ProjectionTx) => void;

/** A handler per event type of the contracts: a misspelt type does not compile, and each sees its event's data typed. */
export type ProjectionHandlers = { [T in EventType]?: ProjectionHandler<T> };

export interface ProjectionDefinition {
  name: string;
  /** Every collection the handlers write; a rebuild empties exactly these. */
  collections: string[];
  handlers: ProjectionHandlers;
  /**
   * Rebuild in memory, then write every document at once (`ProjectionStore.load`): for projections
   * of many small updates to the same documents. Its handlers must put every document they change
   * (they get the live object, not a copy).
   */
  rebuildInMemory?: true;
}

/** The part of a pino logger the runner uses. Log lines carry ids and types, never event data. */
export interface RunnerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type HandleOutcome = 'applied' | 'duplicate' | 'ignored';

const REBUILD_PROGRESS_EVERY = 1000;
/** Events a rebuild commits together. */
const REBUILD_GROUP = 500;
/** Events applied in one group commit at most: a commit is synchronous, so it stops the event loop for its length. */
const MAX_GROUP = 32;
/** With `gatherMs`: a background service's projection may stop its event loop longer, for fewer commits. */
const MAX_GATHERED_GROUP = 256;
/**
 * The `gatherMs` of the background services' projections (analytics, notification; ADR 0020): their
 * readers accept a lag, so below peak load they commit a few times a second instead of per event.
 */
export const BACKGROUND_GATHER_MS = 250;
/**
 * How many messages a consumer may hand a runner before earlier ones settled (`consumeEvents`'
 * `concurrency`): the runner keeps their order, and what queues up is committed in groups.
 */
export const PROJECTION_WINDOW = 256;

/** The handler of an envelope's type, if the projection has one. */
function handlerOf(handlers: ProjectionHandlers, type: string): ProjectionHandler | undefined {
  // Typed for its own event type, a handler is only ever handed envelopes of that type.
  return isEventType(type) ? (handlers[type] as ProjectionHandler | undefined) : undefined;
}

/**
 * The writes of an envelope of the handler's type, its data checked against the event's schema as
 * stored once, before any transaction (a store may run the writes more than once).
 */
function writesOf(handler: ProjectionHandler, envelope: EventEnvelope): ProjectionFn {
  const event = typedEnvelope(envelope)!;
  return (tx) => handler(event, tx);
}

interface Pending {
  envelope: EventEnvelope;
  resolve: (outcome: HandleOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Applies events to one projection, idempotently by envelope id. It knows no transport: a
 * JetStream consumer calls `handle` per message and acks once it resolves (a rejection means nak).
 * Calls run one at a time, in call order, because projections depend on event order and a
 * rebuild must not interleave with live events.
 */
export class ProjectionRunner {
  private readonly definition: ProjectionDefinition;
  private readonly store: ProjectionStore;
  private readonly logger: RunnerLogger | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending[] = [];
  private draining = false;
  private readonly gatherMs: number;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(opts: {
    definition: ProjectionDefinition;
    store: ProjectionStore;
    logger?: RunnerLogger;
    /**
     * How long an event that finds the runner idle waits for others before they are applied
     * together (default 0: at once). For a projection whose readers accept a lag (ADR 0020's
     * background services): below peak load, events come one at a time, and each would otherwise
     * pay a transaction, and its consumer's acknowledgement a socket write, of its own.
     */
    gatherMs?: number;
    /** How the runner waits `gatherMs` (tests hand in one they release). */
    wait?: (ms: number) => Promise<void>;
  }) {
    this.definition = opts.definition;
    this.store = opts.store;
    this.logger = opts.logger;
    this.gatherMs = opts.gatherMs ?? 0;
    this.wait = opts.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Events handed in while an earlier batch is being applied are applied together, in call order,
   * in one transaction where the store can (a group commit); if that fails, one by one, so only
   * the failing event rejects.
   */
  handle(envelope: EventEnvelope): Promise<HandleOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ envelope, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      void this.serially(async () => {
        if (this.gatherMs > 0) await this.wait(this.gatherMs);
        await this.drain();
      });
    });
  }

  /** Empties the projection and replays `source` into it. */
  rebuild(source: AsyncIterable<EventEnvelope> | Iterable<EventEnvelope>): Promise<{ applied: number }> {
    return this.serially(async () => {
      const { name, collections } = this.definition;
      this.logger?.info({ projection: name }, 'projection rebuild started');
      await this.store.reset(name, collections);
      if (this.definition.rebuildInMemory && this.store.load) return this.rebuildInMemory(source);
      let seen = 0;
      let applied = 0;
      // A rebuild commits in large groups where the store can: one transaction per group, not per event.
      let group: EventEnvelope[] = [];
      const flush = async () => {
        applied += await this.applyRebuildGroup(group);
        group = [];
      };
      for await (const envelope of source) {
        seen += 1;
        if (handlerOf(this.definition.handlers, envelope.type)) group.push(envelope);
        if (group.length >= REBUILD_GROUP) await flush();
        if (seen % REBUILD_PROGRESS_EVERY === 0) this.logger?.info({ projection: name, seen, applied }, 'projection rebuild progress');
      }
      await flush();
      this.logger?.info({ projection: name, seen, applied }, 'projection rebuild finished');
      return { applied };
    });
  }

  private async rebuildInMemory(source: AsyncIterable<EventEnvelope> | Iterable<EventEnvelope>): Promise<{ applied: number }> {
    const { name, handlers } = this.definition;
    const collections = new Map<string, Map<string, object | undefined>>();
    const documents = (collection: string) => {
      let found = collections.get(collection);
      if (!found) collections.set(collection, (found = new Map<string, object | undefined>()));
      return found;
    };
    const applied = new Set<string>();
    const tx: ProjectionTx = {
      get: <T extends object>(collection: string, id: string) => collections.get(collection)?.get(id) as T | undefined,
      put: (collection, id, doc) => void documents(collection).set(id, doc),
      delete: (collection, id) => void documents(collection).set(id, undefined),
    };
    let seen = 0;
    for await (const envelope of source) {
      seen += 1;
      const handler = handlerOf(handlers, envelope.type);
      if (!handler || applied.has(envelope.id)) continue;
      writesOf(handler, envelope)(tx);
      applied.add(envelope.id);
      if (seen % (REBUILD_PROGRESS_EVERY * 100) === 0) this.logger?.info({ projection: name, seen, applied: applied.size }, 'projection rebuild progress');
    }
    const written: Array<{ collection: string; id: string; doc: object }> = [];
    for (const [collection, docs] of collections) for (const [id, doc] of docs) if (doc !== undefined) written.push({ collection, id, doc });
    await this.store.load!(name, written, [...applied]);
    this.logger?.info({ projection: name, seen, applied: applied.size }, 'projection rebuild finished');
    return { applied: applied.size };
  }

  /** Applies a rebuild's group in one transaction (or one by one where the store has no batches); answers how many were new. */
  private async applyRebuildGroup(group: EventEnvelope[]): Promise<number> {
    if (group.length === 0) return 0;
    const { name, handlers } = this.definition;
    if (this.store.applyBatch) {
      const items = group.map((envelope) => ({ eventId: envelope.id, fn: writesOf(handlerOf(handlers, envelope.type)!, envelope) }));
      return (await this.store.applyBatch(name, items)).filter(Boolean).length;
    }
    let applied = 0;
    for (const envelope of group) if ((await this.apply(envelope)) === 'applied') applied += 1;
    return applied;
  }

  private async apply(envelope: EventEnvelope): Promise<HandleOutcome> {
    const { name, handlers } = this.definition;
    const handler = handlerOf(handlers, envelope.type);
    const fields = { projection: name, eventId: envelope.id, type: envelope.type };
    if (!handler) return 'ignored';
    try {
      const applied = await this.store.apply(name, envelope.id, writesOf(handler, envelope));
      const outcome = applied ? 'applied' : 'duplicate';
      this.logger?.debug({ ...fields, outcome }, 'projection event handled');
      return outcome;
    } catch (err) {
      this.logger?.error({ ...fields, err }, 'projection event failed');
      throw err;
    }
  }

  private async drain(): Promise<void> {
    try {
      const most = this.gatherMs > 0 ? MAX_GATHERED_GROUP : MAX_GROUP;
      while (this.pending.length > 0) await this.applyGroup(this.pending.splice(0, most));
    } finally {
      this.draining = false;
    }
  }

  private async applyGroup(group: Pending[]): Promise<void> {
    const { name, handlers } = this.definition;
    const handled = group.filter(({ envelope }) => handlerOf(handlers, envelope.type) !== undefined);
    for (const { envelope, resolve } of group) if (!handlerOf(handlers, envelope.type)) resolve('ignored');
    if (handled.length > 1 && this.store.applyBatch) {
      try {
        const items = handled.map(({ envelope }) => ({ eventId: envelope.id, fn: writesOf(handlerOf(handlers, envelope.type)!, envelope) }));
        const applied = await this.store.applyBatch(name, items);
        handled.forEach(({ envelope, resolve }, i) => {
          const outcome = applied[i] ? 'applied' : 'duplicate';
          this.logger?.debug({ projection: name, eventId: envelope.id, type: envelope.type, outcome }, 'projection event handled');
          resolve(outcome);
        });
        return;
      } catch {
        // Some event of the group failed: apply them one by one, so only that one fails.
      }
    }
    for (const { envelope, resolve, reject } of handled) await this.apply(envelope).then(resolve, reject);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
