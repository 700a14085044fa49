import type { EventPublisher, RecordedEvent, RelayOptions, RetryOptions } from './event-store.js';

export function backoffDelay(attempt: number, { initialDelayMs = 100, maxDelayMs = 30_000 }: RetryOptions = {}): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Publishes `event`, retrying with bounded exponential backoff until it succeeds. Returns `false`
 * only when `signal` aborted first; the caller must then not count the event as published.
 */
export async function publishWithRetry(publisher: EventPublisher, event: RecordedEvent, options: RelayOptions, signal: AbortSignal): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await publisher.publish(event);
      return true;
    } catch (error) {
      options.onError?.(error, event);
    }
    if (!(await sleep(backoffDelay(attempt, options.retry), signal))) return false;
  }
}
