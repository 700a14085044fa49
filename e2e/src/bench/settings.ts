export interface BenchSettings {
  /** Seconds of the peak run and of the half-rate run. */
  durationS: number;
  warmupS: number;
  connections: number;
  spaces: number;
  /** Admins who book; the gateway throttles logins per address (20 a minute), so keep this small. */
  bookers: number;
  /** Employees the bookings are for. */
  people: number;
  /** People erased one by one after the booking runs, for the erasure latency. */
  erasures: number;
  /** Bookings timed from their answer to their confirmation at the SMTP server. */
  mails: number;
  /** BENCH_TIMELINE: a file for the half-peak run's requests, one line each (due time, latency, status). */
  timelineFile?: string;
  /** BENCH_HALF_RATE: requests/s of the paced run instead of half the peak's, to compare changes at one load. */
  halfRate?: number;
  /**
   * BENCH_HISTORY_DAYS: days of bookings (every space, every day) written before a second set of
   * runs, compared with the empty store's; 0 skips that pass. Default 365.
   */
  historyDays: number;
  /** The analytics part (`analytics.ts`): spaces and days of generated bookings, and queries timed; BENCH_ANALYTICS=0 skips it. */
  analytics: { spaces: number; days: number; queries: number } | undefined;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 or more), got "${raw}"`);
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function loadSettings(env: NodeJS.ProcessEnv): BenchSettings {
  return {
    durationS: positiveInt(env, 'BENCH_DURATION', 15),
    warmupS: positiveInt(env, 'BENCH_WARMUP', 3),
    connections: positiveInt(env, 'BENCH_CONNECTIONS', 50),
    spaces: positiveInt(env, 'BENCH_SPACES', 2000),
    bookers: Math.min(positiveInt(env, 'BENCH_BOOKERS', 8), 15),
    people: positiveInt(env, 'BENCH_PEOPLE', 200),
    erasures: positiveInt(env, 'BENCH_ERASURES', 50),
    mails: positiveInt(env, 'BENCH_MAILS', 200),
    timelineFile: env.BENCH_TIMELINE || undefined,
    historyDays: wholeNumber(env, 'BENCH_HISTORY_DAYS', 365),
    halfRate: env.BENCH_HALF_RATE ? positiveInt(env, 'BENCH_HALF_RATE', 1) : undefined,
    analytics:
      env.BENCH_ANALYTICS === '0'
        ? undefined
        : {
            spaces: positiveInt(env, 'BENCH_ANALYTICS_SPACES', 1000),
            days: positiveInt(env, 'BENCH_ANALYTICS_DAYS', 365),
            queries: positiveInt(env, 'BENCH_ANALYTICS_QUERIES', 100),
          },
  };
}
