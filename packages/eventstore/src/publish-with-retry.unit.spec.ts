import { describe, expect, it } from '@jest/globals';
import { backoffDelay, publishWithRetry } from './publish-with-retry.js';
import type { RecordedEvent } from './event-store.js';

describe('backoffDelay', () => {
  it('doubles from the initial delay and stays at the bound', () => {
    const delays = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, { initialDelayMs: 10, maxDelayMs: 300 }));
    expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
    expect(backoffDelay(10_000, { initialDelayMs: 10, maxDelayMs: 300 })).toBe(300);
  });
});

describe('publishWithRetry', () => {
  const event = { id: 'e1' } as RecordedEvent;

  it('gives up only when aborted, without counting the event as published', async () => {
    const abort = new AbortController();
    let attempts = 0;
    const published = publishWithRetry(
      {
        publish: async () => {
          attempts += 1;
          if (attempts === 3) abort.abort();
          throw new Error('down');
        },
      },
      event,
      { retry: { initialDelayMs: 0 } },
      abort.signal,
    );
    await expect(published).resolves.toBe(false);
    expect(attempts).toBe(3);
  });
});
