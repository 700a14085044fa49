import type { EventPublisher, RecordedEvent, Relay, RelayOptions } from './event-store.js';
import { IdleWaiters } from './idle-waiters.js';
import { backoffDelay, publishWithRetry, sleep } from './publish-with-retry.js';

/** What the relay needs from the SQLite store. */
export interface Outbox {
  /** Unpublished events, oldest first. */
  pending(limit: number): RecordedEvent[];
  /** Position of the newest unpublished event. */
  lastPending(): bigint | undefined;
  hasPendingUpTo(position: bigint): boolean;
  /** Deletes the rows of published events, in one transaction. */
  markPublished(positions: bigint[]): void;
  /** Calls `listener` after each append to the same file from this process; returns the unsubscribe. */
  onAppended(listener: () => void): () => void;
}

/**
 * Resolves after `ms`, on abort, or when the function handed to `hold` is called — whichever is
 * first; `hold` is called again with `undefined` once it has resolved.
 */
function waitUpTo(ms: number, signal: AbortSignal, hold: (cut: (() => void) | undefined) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      hold(undefined);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    hold(done);
  });
}

const BATCH_SIZE = 100;
const DEFAULT_POLL_INTERVAL_MS = 500;
const DEFAULT_GATHER_MS = 20;

/**
 * Publishes outbox rows in position order and deletes each once published. Wakes on appends made
 * in this process and polls for those of other processes. Within `gatherMs` of its last batch it
 * waits out the rest of that time before it reads again, so a steady load goes out in batches too
 * (at a few hundred bookings a second, relaying them one by one cost more than deciding them),
 * while an event after a quiet spell, a backlog or a caller of `idle()` is served at once.
 */
export class SqliteOutboxRelay implements Relay {
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private readonly idleWaiters = new IdleWaiters<bigint>();
  private unsubscribe: (() => void) | undefined;
  private woken = false;
  private wake: (() => void) | undefined;
  private hurry: (() => void) | undefined;
  /** When the last batch was published (performance.now()); -Infinity before the first. */
  private publishedAt = Number.NEGATIVE_INFINITY;
  /** The last batch was full: more is waiting, so the next is read at once. */
  private backlogged = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly publisher: EventPublisher,
    private readonly options: RelayOptions,
  ) {}

  async start(): Promise<void> {
    if (this.loop) return;
    this.abort = new AbortController();
    this.unsubscribe = this.outbox.onAppended(() => this.ring());
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
    this.unsubscribe?.();
    this.idleWaiters.rejectAll(new Error('the relay was stopped'));
  }

  idle(): Promise<void> {
    if (!this.loop) return Promise.reject(new Error('the relay is not running'));
    const target = this.outbox.lastPending();
    if (target === undefined) return Promise.resolve();
    const idle = this.idleWaiters.wait(target);
    this.ring();
    // Someone waits for what is pending: gathering more would only keep them waiting.
    this.hurry?.();
    return idle;
  }

  /**
   * Within `gatherMs` of the last batch, waits out the rest of that time, so the appends of a
   * steady load go out together; after a quiet spell, behind a full batch (a backlog) or while
   * someone waits in `idle()`, reads at once.
   */
  private gather(signal: AbortSignal): Promise<void> {
    const wait = (this.options.gatherMs ?? DEFAULT_GATHER_MS) - (performance.now() - this.publishedAt);
    if (wait <= 0 || this.backlogged || this.idleWaiters.size > 0 || signal.aborted) return Promise.resolve();
    return waitUpTo(wait, signal, (cut) => (this.hurry = cut));
  }

  private ring(): void {
    this.woken = true;
    this.wake?.();
  }

  private async run(signal: AbortSignal): Promise<void> {
    for (let failures = 0; !signal.aborted;) {
      try {
        await this.gather(signal);
        this.woken = false;
        const batch = this.outbox.pending(BATCH_SIZE);
        if (batch.length === 0) {
          this.settleIdleWaiters();
          await this.nextWake(signal);
          continue;
        }
        if (!(await this.publishAll(batch, signal))) return;
        this.publishedAt = performance.now();
        this.backlogged = batch.length === BATCH_SIZE;
        this.settleIdleWaiters();
        failures = 0;
        // A publisher that settles without I/O must not starve the event loop on a long backlog.
        await new Promise(setImmediate);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(backoffDelay(failures++, this.options.retry), signal);
      }
    }
  }

  /**
   * Publishes a batch with the publishes in flight together, a round trip per batch instead of per
   * event: events of one stream one after another, in order; those of different streams side by
   * side. So order holds within a stream (all consumers rely on); after a publish failed and is
   * retried, another stream's later event may precede it. False if stopped meanwhile.
   */
  private async publishAll(batch: RecordedEvent[], signal: AbortSignal): Promise<boolean> {
    const chains = new Map<string, Promise<boolean>>();
    const published = batch.map((event) => {
      const after = chains.get(event.streamId) ?? Promise.resolve(true);
      const done = after.then(async (ok) => ok && !signal.aborted && (await publishWithRetry(this.publisher, event, this.options, signal)));
      chains.set(event.streamId, done);
      return done;
    });
    const outcomes = await Promise.all(published);
    // Published but still in the outbox after a crash: published again, and deduplicated by id.
    this.outbox.markPublished(batch.filter((_, i) => outcomes[i]).map((event) => event.position));
    return outcomes.every(Boolean);
  }

  private settleIdleWaiters(): void {
    this.idleWaiters.settle((target) => !this.outbox.hasPendingUpTo(target));
  }

  private nextWake(signal: AbortSignal): Promise<void> {
    if (this.woken) return Promise.resolve();
    return waitUpTo(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, signal, (cut) => (this.wake = cut));
  }
}
