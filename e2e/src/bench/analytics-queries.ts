import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalyticsApp, generationsOf } from '@plass/analytics';
import type { Bus } from '@plass/bus';
import type { RequestContext } from '@plass/contracts';
import type { Generated } from './analytics.js';

/**
 * The query half of the analytics benchmark, in a process of its own that opens the store the
 * rebuild left (as the analytics service does after `npm run analytics:rebuild`), not in the
 * process whose heap still holds a rebuild of millions of events. The queries run on the
 * AnalyticsApp without NATS; the minimum group size is the default 5. The first few of each kind
 * are not timed: they measure the JIT and SQLite's page cache, which a running service has warm.
 */
export const WARM_UP_QUERIES = 5;
const DAY = 86_400_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function timeQueries(dir: string, queries: number) {
  const generated = JSON.parse(readFileSync(join(dir, 'bench-analytics.json'), 'utf8')) as Generated;
  const generations = generationsOf({ dataDir: dir, eventStore: 'sqlite', projectionStore: 'sqlite' });
  const store = await generations.open(generations.current());
  try {
    const settingsBus = { request: async () => ({ bookingVisibility: 'everyone', anonymizeBookingsAfterDays: null, analyticsMinGroupSize: 5 }) } as unknown as Pick<Bus, 'request'>;
    const app = new AnalyticsApp({ read: (fn) => fn(store), bus: settingsBus });
    const ctx: RequestContext = { tenantId: generated.tenantId, roles: ['analyst'], correlationId: randomUUID() };
    const month = { from: new Date(generated.first + 120 * DAY).toISOString(), to: new Date(generated.first + 151 * DAY).toISOString() };
    const timed = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    const utilization: number[] = [];
    const heatmap: number[] = [];
    let buckets = 0;
    for (let i = 0; i < WARM_UP_QUERIES + queries; i += 1) {
      const locationId = generated.locations[i % generated.locations.length]!.locationId;
      const u = await timed(async () => {
        const query = { ...month, groupBy: 'floor' as const, granularity: 'hour' as const, locationId, floor: String(i % generated.floorsPerLocation) };
        buckets = (await app.utilization(query, ctx)).items.length;
      });
      const h = await timed(() => app.heatmap({ ...month, locationId }, ctx));
      if (i < WARM_UP_QUERIES) continue;
      utilization.push(u);
      heatmap.push(h);
    }
    utilization.sort((a, b) => a - b);
    heatmap.sort((a, b) => a - b);
    return {
      utilization: { p50: percentile(utilization, 50), p99: percentile(utilization, 99), buckets },
      heatmap: { p50: percentile(heatmap, 50), p99: percentile(heatmap, 99) },
    };
  } finally {
    await store.close();
  }
}

// Run as a script (`node analytics-queries.js <dir> <queries>`): the figures as JSON on stdout.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await timeQueries(process.argv[2]!, Number(process.argv[3] ?? 100))));
}
