import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { BackgroundWork } from './background.js';

describe('background work', () => {
  const failures: number[] = [];
  let work: BackgroundWork;

  beforeEach(() => {
    jest.useFakeTimers();
    failures.length = 0;
    work = new BackgroundWork({ initialDelayMs: 100, maxDelayMs: 300, onError: (_key, _error, attempt) => failures.push(attempt) });
  });

  afterEach(async () => {
    await work.stop();
    jest.useRealTimers();
  });

  it('runs one task per key at a time', async () => {
    let runs = 0;
    let release!: () => void;
    const task = () => {
      runs += 1;
      return new Promise<void>((resolve) => (release = resolve));
    };
    const first = work.run('a', task);
    expect(work.run('a', task)).toBe(first);
    release();
    await first;
    expect(runs).toBe(1);
  });

  it('retries a failed task with growing backoff until it succeeds', async () => {
    let calls = 0;
    const task = async () => {
      calls += 1;
      if (calls < 4) throw new Error('participant down');
    };
    await work.run('a', task);
    expect(work.waiting('a')).toBe(true);
    for (const delay of [100, 200, 300]) {
      await jest.advanceTimersByTimeAsync(delay - 1);
      const before = calls;
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toBe(before + 1);
      await work.idle();
    }
    expect(failures).toEqual([1, 2, 3]);
    expect(work.waiting('a')).toBe(false);
  });

  it('brings a waiting retry forward when asked, and stops retrying on stop', async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('down');
    };
    await work.run('a', failing);
    await work.run('a', failing);
    expect(calls).toBe(2);
    expect(failures).toEqual([1, 2]);
    await work.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(2);
    expect(work.waiting('a')).toBe(false);
  });
});
