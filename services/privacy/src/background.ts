export interface BackgroundOptions {
  /** First retry after this long; each further one waits twice as long, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  onError(key: string, error: unknown, attempt: number): void;
}

/**
 * Work that must eventually finish (erasure sagas, export assemblies), one run per key at a time.
 * A failed run is retried with exponential backoff; a sweep skips keys whose retry is waiting.
 */
export class BackgroundWork {
  private readonly running = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, { attempt: number; timer: ReturnType<typeof setTimeout> }>();
  private stopped = false;

  constructor(private readonly options: BackgroundOptions) {}

  /** Starts `task` for `key` now (a waiting retry is brought forward), unless it is running: then answers that run. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const current = this.running.get(key);
    if (current) return current;
    if (this.stopped) return Promise.resolve();
    const previous = this.retries.get(key);
    if (previous) clearTimeout(previous.timer);
    this.retries.delete(key);
    const attempt = (previous?.attempt ?? 0) + 1;
    const work = task()
      .catch((error: unknown) => this.scheduleRetry(key, task, error, attempt))
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
    return work;
  }

  /** Whether a retry of `key` is waiting for its backoff. */
  waiting(key: string): boolean {
    return this.retries.has(key);
  }

  /** Resolves once nothing runs (waiting retries are not waited for). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    await this.idle();
  }

  private scheduleRetry(key: string, task: () => Promise<void>, error: unknown, attempt: number): void {
    this.options.onError(key, error, attempt);
    if (this.stopped) return;
    const delay = Math.min((this.options.initialDelayMs ?? 200) * 2 ** (attempt - 1), this.options.maxDelayMs ?? 5_000);
    const timer = setTimeout(() => void this.run(key, task), delay);
    timer.unref();
    this.retries.set(key, { attempt, timer });
  }
}
