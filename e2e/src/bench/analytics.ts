import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsApp, SwappableProjection, generationsOf, instantOf, prng, type StoreConfig } from '@plass/analytics';
import type { EventEnvelope, RequestContext } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { openSqliteEventStore, toNewEvent } from '@plass/eventstore';

/**
 * Analytics at scale, in this process on the embedded stores: a year of bookings for many spaces
 * written straight into a booking event store (not through the API), a rebuild of the statistics
 * from it (events/s), then the p50/p99 of a month × floor × hour utilization query and a month's
 * heatmap. The queries run on the AnalyticsApp without NATS; the minimum group size is the default 5.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Europe/Oslo'];

export interface AnalyticsBenchSettings {
  spaces: number;
  days: number;
  queries: number;
}

export interface AnalyticsBenchResult {
  bookings: number;
  events: number;
  writeSeconds: number;
  rebuildSeconds: number;
  rebuildEventsPerSecond: number;
  utilization: { p50: number; p99: number; buckets: number };
  heatmap: { p50: number; p99: number };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function envelope(tenantId: string, streamId: string, type: string, at: number, data: Record<string, unknown>): EventEnvelope {
  return { id: randomUUID(), type, schemaVersion: 1, tenantId, context: 'booking', streamId, occurredAt: new Date(at).toISOString(), correlationId: randomUUID(), causationId: null, data } as EventEnvelope;
}

export async function analyticsBench(settings: AnalyticsBenchSettings, say: (line: string) => void): Promise<AnalyticsBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'plass-bench-analytics-'));
  try {
    const tenantId = randomUUID();
    const random = prng(42);
    const store = openSqliteEventStore({ file: join(dir, 'booking', 'events.db') });
    const first = Date.parse('2025-12-01T00:00:00Z');
    const floorsPerLocation = 5;
    const perLocation = Math.ceil(settings.spaces / ZONES.length);
    const locations = ZONES.map((timezone) => ({ locationId: randomUUID(), timezone }));
    const sealed = { v: 1, kid: 'bench', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA' };
    let bookings = 0;
    let events = 0;
    const began = Date.now();
    for (const location of locations) {
      const stream = `location-${tenantId}-${location.locationId}`;
      await store.appendToStream(stream, [toNewEvent(envelope(tenantId, stream, 'LocationCreated', first - DAY, { ...location, name: 'Office', bookableWeekdays: [1, 2, 3, 4, 5] }))]);
      events += 1;
    }
    for (let n = 0; n < settings.spaces; n += 1) {
      const location = locations[Math.floor(n / perLocation)]!;
      const spaceId = randomUUID();
      const stream = `space-${tenantId}-${spaceId}`;
      const floor = String((n % perLocation) % floorsPerLocation);
      const batch: EventEnvelope[] = [
        envelope(tenantId, stream, 'SpaceCreated', first - DAY, { spaceId, locationId: location.locationId, name: `Desk ${n}`, kind: n % 10 === 0 ? 'room' : 'desk', floor, zone: n % 2 ? 'A' : 'B' }),
      ];
      for (let day = 0; day < settings.days; day += 1) {
        const date = new Date(first + day * DAY).toISOString().slice(0, 10);
        let minute = 7 * 60 + Math.floor(random() * 4) * 15;
        while (minute < 18 * 60) {
          const length = 60 + Math.floor(random() * 5) * 15;
          const start = instantOf(location.timezone, date, minute);
          const end = start + length * MINUTE;
          const bookingId = randomUUID();
          const times = { bookingId, spaceId, start: new Date(start).toISOString(), end: new Date(end).toISOString() };
          const confirmedAt = start - Math.floor(random() * 14) * DAY - 3_600_000;
          batch.push(envelope(tenantId, stream, 'BookingConfirmed', confirmedAt, { ...times, kind: 'desk', bookedBy: sealed }));
          const fate = random();
          if (fate < 0.1) batch.push(envelope(tenantId, stream, 'BookingCancelled', confirmedAt + DAY / 2, times));
          else if (fate < 0.7) batch.push(envelope(tenantId, stream, 'BookingCheckedIn', start + 5 * MINUTE, times));
          else if (fate < 0.8) batch.push(envelope(tenantId, stream, 'BookingReleasedAsNoShow', start + 15 * MINUTE, times));
          bookings += 1;
          minute += length + 15 + Math.floor(random() * 3) * 15;
        }
      }
      // Per stream in commit order; a space's events are appended in the order they happened.
      batch.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
      for (let i = 0; i < batch.length; i += 2000) await store.appendToStream(stream, batch.slice(i, i + 2000).map(toNewEvent));
      events += batch.length;
      if ((n + 1) % 100 === 0) say(`bench analytics: wrote ${n + 1}/${settings.spaces} spaces, ${bookings.toLocaleString('en')} bookings`);
    }
    await store.close();
    const writeSeconds = (Date.now() - began) / 1000;
    say(`bench analytics: ${bookings.toLocaleString('en')} bookings, ${events.toLocaleString('en')} events written in ${writeSeconds.toFixed(1)}s`);

    const config: StoreConfig = { dataDir: dir, eventStore: 'sqlite', projectionStore: 'sqlite' };
    const generations = generationsOf(config);
    const projection = new SwappableProjection(await generations.open(generations.current()), generations);
    const rebuildBegan = Date.now();
    let lastSaid = 0;
    await projection.rebuild({ open: () => openSqliteEventStore({ file: join(dir, 'booking', 'events.db') }) }, (progress) => {
      if (Date.now() - lastSaid < 10_000) return;
      lastSaid = Date.now();
      say(`bench analytics: rebuild ${progress.events.toLocaleString('en')}/${progress.total.toLocaleString('en')} events`);
    });
    const rebuildSeconds = (Date.now() - rebuildBegan) / 1000;
    const rebuildEventsPerSecond = Math.round(events / rebuildSeconds);
    say(`bench analytics: rebuild ${rebuildEventsPerSecond.toLocaleString('en')} events/s (${rebuildSeconds.toFixed(1)}s)`);

    const settingsBus = { request: async () => ({ bookingVisibility: 'everyone', anonymizeBookingsAfterDays: null, analyticsMinGroupSize: 5 }) } as unknown as Pick<Bus, 'request'>;
    const app = new AnalyticsApp({ read: (fn) => projection.read(fn), bus: settingsBus });
    const ctx: RequestContext = { tenantId, roles: ['analyst'], correlationId: randomUUID() };
    const month = { from: new Date(first + 120 * DAY).toISOString(), to: new Date(first + 151 * DAY).toISOString() };
    const timed = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    const utilizationTimes: number[] = [];
    const heatmapTimes: number[] = [];
    let buckets = 0;
    for (let i = 0; i < settings.queries; i += 1) {
      const location = locations[i % locations.length]!.locationId;
      utilizationTimes.push(
        await timed(async () => {
          buckets = (await app.utilization({ ...month, groupBy: 'floor', granularity: 'hour', locationId: location, floor: String(i % floorsPerLocation) }, ctx)).items.length;
        }),
      );
      heatmapTimes.push(await timed(() => app.heatmap({ ...month, locationId: location }, ctx)));
    }
    utilizationTimes.sort((a, b) => a - b);
    heatmapTimes.sort((a, b) => a - b);
    await projection.current().close();
    return {
      bookings,
      events,
      writeSeconds,
      rebuildSeconds,
      rebuildEventsPerSecond,
      utilization: { p50: percentile(utilizationTimes, 50), p99: percentile(utilizationTimes, 99), buckets },
      heatmap: { p50: percentile(heatmapTimes, 50), p99: percentile(heatmapTimes, 99) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function analyticsLine(result: AnalyticsBenchResult): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return (
    `bench analytics: ${result.bookings.toLocaleString('en')} bookings / ${result.events.toLocaleString('en')} events; rebuild ${result.rebuildEventsPerSecond.toLocaleString('en')} events/s (target ≥ 20,000); ` +
    `month × floor × hour utilization (${result.utilization.buckets} buckets) p50 ${ms(result.utilization.p50)} p99 ${ms(result.utilization.p99)} (target p99 ≤ 50 ms); ` +
    `month heatmap of a location p50 ${ms(result.heatmap.p50)} p99 ${ms(result.heatmap.p99)}`
  );
}
