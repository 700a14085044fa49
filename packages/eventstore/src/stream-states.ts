import type { EventStore, ExpectedRevision, RecordedEvent } from './event-store.js';

/** How a stream folds into state one event at a time. `evolve` must not mutate `state`. */
export interface Evolver<S> {
  initial: S;
  evolve: (state: S, event: RecordedEvent) => S;
  /** Runs on events read from the store before they are folded (e.g. decrypting them). */
  prepare?: (events: RecordedEvent[], streamId: string) => Promise<RecordedEvent[]>;
  /**
   * At the `refoldAfterMs` bound: whether the cached state may stand as it is — for a state of
   * decrypted events, whether every key they were decrypted with still exists — so it is kept
   * for another bound without reading or decrypting the stream again. Absent or false: the
   * stream is folded afresh.
   */
  revalidate?: (state: S, streamId: string) => Promise<boolean>;
  /**
   * How many entries the state holds (a schedule's or a ledger's bookings), for the cache's bound
   * on entries: states grow with their streams, so a bound on streams alone bounds no memory.
   * Absent: 1.
   */
  weigh?: (state: S) => number;
}

export interface StreamStatesBounds {
  /** At most this many states (default 20,000). */
  maxStreams?: number;
  /** At most this many entries in all states together, as `Evolver.weigh` counts them (default 150,000). */
  maxEntries?: number;
  /**
   * A state loaded with `refoldAfterMs` that no load used for this long is dropped (default 5
   * minutes); until then each sweep checks it as it falls due, so a lull of a minute does not
   * leave every person's ledger to be read and decrypted again when bookings resume. States loaded
   * without `refoldAfterMs` (schedules: cheap to read again, and many) are dropped once unused for
   * the sweep's bound, as before.
   */
  keepUnusedMs?: number;
}

export interface LoadedState<S> {
  state: S;
  /** What an append to this stream expects, so a concurrent writer fails it. */
  expectedRevision: ExpectedRevision;
}

interface Entry {
  state: unknown;
  revision: number;
  /** When the store was last read for this stream (ms). */
  readAt: number;
  /**
   * When a load or an own append last used the state (ms), whether it read the store or not: the
   * sweep drops states unused for their bound, never one in use that the cache keeps answering.
   */
  usedAt: number;
  /** When the state was last folded from the stream's first event (ms). */
  foldedAt: number;
  /** 0.5–1, drawn at each full fold: states folded together are not all refolded at once. */
  spread: number;
  /** For a state loaded with `refoldAfterMs`: how it is checked when the sweep finds its check due. */
  checkWith?: Evolver<unknown>;
  /** What `Evolver.weigh` counted when the state was cached. */
  weight: number;
}

export interface LoadOptions {
  /**
   * Answer from the cache without reading when it was read this recently. Only for streams that
   * change rarely and whose writers in this process `forget` them (a location, a tenant's policy):
   * another replica's change is then seen within `maxAgeMs`.
   */
  maxAgeMs?: number;
  /**
   * Bounds how long a state derived from decrypted events may outlive their keys (a ledger after
   * retention or erasure, when the KeysDestroyed broadcast was missed): once the state is this old
   * (each at a random point of the second half) the whole stream is folded afresh — in the
   * background, one stream at a time, while loads go on answering from the cache, so refolding
   * many long streams never stalls commands. The sweep, every half bound, also refolds a state
   * whose refold fell due after its last load, and a load that finds its state one and a half
   * bounds past its last fold or check (nothing swept meanwhile: the process was idle) checks it
   * before answering: no state is used more than one and a half bounds past the fold or check it
   * was last kept at. A state no load used for `keepUnusedMs` is dropped (one the cache keeps
   * answering is in use, though it reads nothing).
   */
  refoldAfterMs?: number;
  /**
   * Answer from the cache without reading the store (a stream not cached is read). Only for a
   * command that appends with the revision it loaded, so a state another replica moved fails the
   * append and the command runs again on fresh state, and that decides a refusal on fresh state
   * before answering it: a stale state may refuse what a fresh one allows.
   */
  optimistic?: boolean;
}

/**
 * Folded stream states kept between commands: a load reads only the events appended since the
 * state was cached, so a long stream (a space's schedule, a person's ledger) is not re-read and
 * re-folded on every command. Correctness never rests on the cache: appends still carry the
 * revision the state was folded at, and a failed append must `forget` the streams it named, so
 * the retry reads them afresh (another replica wrote them, or a deleted stream was recreated).
 * Bounded in streams and in entries: past either bound, the state the store was read for (or this
 * process appended to) longest ago goes first. The state just cached stays even alone over the
 * bound on entries; it is what the command needs.
 */
export class StreamStates {
  private readonly entries = new Map<string, Entry>();
  private readonly evolverIds = new WeakMap<object, number>();
  private nextEvolverId = 0;
  /** Bumped by every `forget`: a load that started before one does not cache what it read. */
  private epoch = 0;
  private readonly refolds = new Map<string, () => Promise<void>>();
  private refolding = false;
  private sweptAt = 0;
  private weight = 0;
  private readonly maxStreams: number;
  private readonly maxEntries: number;
  private readonly keepUnusedMs: number;

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    bounds: StreamStatesBounds = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxStreams = bounds.maxStreams ?? 20_000;
    this.maxEntries = bounds.maxEntries ?? 150_000;
    this.keepUnusedMs = bounds.keepUnusedMs ?? 5 * 60_000;
  }

  async load<S>(streamId: string, evolver: Evolver<S>, options: LoadOptions = {}): Promise<LoadedState<S>> {
    const key = `${this.evolverId(evolver)}:${streamId}`;
    const readAt = this.now();
    if (options.refoldAfterMs !== undefined) this.sweep(readAt, options.refoldAfterMs);
    let cached = this.entries.get(key);
    if (cached) {
      cached.usedAt = readAt;
      if (options.refoldAfterMs !== undefined) cached.checkWith ??= evolver as Evolver<unknown>;
    }
    if (cached && options.refoldAfterMs !== undefined && readAt - cached.foldedAt >= options.refoldAfterMs * 1.5) {
      // Overdue: no sweep ran since it fell due (an idle process). Checked now, before it is used.
      await this.check(key, streamId, evolver);
      cached = this.entries.get(key);
    } else if (cached && options.refoldAfterMs !== undefined && readAt - cached.foldedAt >= options.refoldAfterMs * cached.spread) {
      this.scheduleRefold(key, streamId, evolver);
    }
    if (cached && (options.optimistic || (options.maxAgeMs !== undefined && readAt - cached.readAt < options.maxAgeMs))) {
      return { state: cached.state as S, expectedRevision: cached.revision >= 0 ? cached.revision : 'no_stream' };
    }
    return this.fold(key, streamId, evolver, cached, options.refoldAfterMs !== undefined);
  }

  /** Reads what `cached` lacks (everything without it), folds it in and caches the result. */
  private async fold<S>(key: string, streamId: string, evolver: Evolver<S>, cached: Entry | undefined, checked: boolean): Promise<LoadedState<S>> {
    const readAt = this.now();
    const epoch = this.epoch;
    const read = await this.store.readStream(streamId, { fromRevision: cached ? cached.revision + 1 : 0 });
    const events = evolver.prepare && read.length > 0 ? await evolver.prepare(read, streamId) : read;
    let state = (cached ? cached.state : evolver.initial) as S;
    for (const event of events) state = evolver.evolve(state, event);
    const revision = read.length > 0 ? read[read.length - 1]!.revision : (cached?.revision ?? -1);
    // A concurrent load may have cached a newer state meanwhile; never go back, nor across a forget.
    const current = this.entries.get(key);
    if (epoch === this.epoch && (!current || current.revision <= revision)) {
      const weight = evolver.weigh?.(state) ?? 1;
      const checkWith = checked ? (evolver as Evolver<unknown>) : undefined;
      this.cache(
        key,
        cached
          ? { ...cached, state, revision, readAt, usedAt: readAt, weight }
          : { state, revision, readAt, usedAt: readAt, foldedAt: readAt, spread: 0.5 + Math.random() / 2, checkWith, weight },
      );
    }
    return { state, expectedRevision: revision >= 0 ? revision : 'no_stream' };
  }

  private scheduleRefold<S>(key: string, streamId: string, evolver: Evolver<S>): void {
    if (this.refolds.has(key)) return;
    this.refolds.set(key, () => this.check(key, streamId, evolver));
    if (this.refolding) return;
    this.refolding = true;
    void (async () => {
      for (const [next, refold] of this.refolds) {
        // One stream per turn of the event loop: commands interleave with the refolds.
        await new Promise((resolve) => setImmediate(resolve));
        await refold().catch(() => undefined);
        this.refolds.delete(next);
      }
      this.refolding = false;
    })();
  }

  /** Keeps a cached state its evolver revalidates (renewing its bound), else folds the stream afresh. */
  private async check<S>(key: string, streamId: string, evolver: Evolver<S>): Promise<void> {
    const cached = this.entries.get(key);
    // Dropped meanwhile (forgotten, swept): the next load folds it afresh if anyone needs it.
    if (!cached) return;
    if (evolver.revalidate && (await evolver.revalidate(cached.state as S, streamId))) {
      // Renewed only if nothing replaced the entry meanwhile; a newer one is checked at its next load.
      if (this.entries.get(key) === cached) this.entries.set(key, { ...cached, foldedAt: this.now(), spread: 0.5 + Math.random() / 2 });
      return;
    }
    await this.fold(key, streamId, evolver, undefined, true);
  }

  /**
   * At most once per half bound: drops the checked states nobody loaded for `keepUnusedMs` and the
   * others nobody loaded within the bound (what keeps the heap small: the bounds on streams and
   * entries allow more than a 128-MB heap holds without constant collections), and
   * refolds those whose refold fell due after their last load (one loaded just before it fell due,
   * then left alone, would otherwise stand unchecked until it is dropped).
   */
  private sweep(now: number, boundMs: number): void {
    if (now - this.sweptAt < boundMs / 2) return;
    this.sweptAt = now;
    for (const [key, entry] of this.entries) {
      if (now - entry.usedAt >= (entry.checkWith ? this.keepUnusedMs : boundMs)) this.drop(key);
      else if (entry.checkWith && now - entry.foldedAt >= boundMs * entry.spread) this.scheduleRefold(key, key.slice(key.indexOf(':') + 1), entry.checkWith);
    }
  }

  /**
   * This process appended `events` to a stream it had loaded as `loaded`, and the store answered
   * `revision` for the last of them: the cached state moves on by folding them in, so the next
   * load reads nothing it wrote itself. Only a cached state still at the revision the append
   * expected moves (one forgotten or moved meanwhile is left to the next load). `events` are what
   * `evolve` folds after `prepare` (for an encrypted stream, the clear events that were sealed).
   */
  appended<S>(
    streamId: string,
    evolver: Evolver<S>,
    loaded: Pick<LoadedState<S>, 'expectedRevision'>,
    events: ReadonlyArray<{ id?: string; type: string; data: unknown; metadata?: Record<string, unknown> }>,
    revision: number,
  ): void {
    const key = `${this.evolverId(evolver)}:${streamId}`;
    const cached = this.entries.get(key);
    const expected = loaded.expectedRevision === 'no_stream' ? -1 : loaded.expectedRevision;
    if (!cached || typeof expected !== 'number' || cached.revision !== expected || revision - expected !== events.length) return;
    const now = this.now();
    const recordedAt = new Date(now);
    let state = cached.state as S;
    events.forEach((event, i) => {
      state = evolver.evolve(state, {
        id: event.id ?? '',
        type: event.type,
        data: event.data,
        streamId,
        revision: expected + 1 + i,
        position: 0n,
        metadata: event.metadata ?? {},
        recordedAt,
      });
    });
    this.cache(key, { ...cached, state, revision, usedAt: now, weight: evolver.weigh?.(state) ?? 1 });
  }

  /** Caches `entry` as the most recent, then drops the oldest states while over a bound. */
  private cache(key: string, entry: Entry): void {
    this.drop(key);
    this.entries.set(key, entry);
    this.weight += entry.weight;
    while (this.entries.size > 1 && (this.entries.size > this.maxStreams || this.weight > this.maxEntries)) {
      this.drop(this.entries.keys().next().value!);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.weight -= entry.weight;
    this.entries.delete(key);
  }

  /** Drops every cached state of the streams (after a failed append, or a deleted stream). */
  forget(streamIds: Iterable<string>): void {
    const doomed = new Set(streamIds);
    this.forgetWhere((streamId) => doomed.has(streamId));
  }

  /** Drops the cached states of every stream the predicate names (e.g. a tenant's ledgers when keys are destroyed). */
  forgetWhere(names: (streamId: string) => boolean): void {
    this.epoch += 1;
    for (const key of [...this.entries.keys()]) {
      if (names(key.slice(key.indexOf(':') + 1))) this.drop(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries in all cached states together, as `Evolver.weigh` counts them. */
  get entryCount(): number {
    return this.weight;
  }

  /** States of one stream under different evolvers are kept apart. */
  private evolverId(evolver: object): number {
    let id = this.evolverIds.get(evolver);
    if (id === undefined) this.evolverIds.set(evolver, (id = this.nextEvolverId++));
    return id;
  }
}
