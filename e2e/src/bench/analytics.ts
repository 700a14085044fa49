import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SwappableProjection, generationsOf, instantOf, prng, type StoreConfig } from '@plass/analytics';
import type { EventEnvelope } from '@plass/contracts';
import { WARM_UP_QUERIES } from './analytics-queries.js';
import { openSqliteEventStore, toNewEvent } from '@plass/eventstore';

/**
 * Analytics at scale, in this process on the embedded stores: a year of bookings for many spaces
 * written straight into a booking event store (not through the API), a rebuild of the statistics
 * from it (events/s), then the p50/p99 of a month × floor × hour utilization query and a month's
 * heatmap, timed in a fresh process (`analytics-queries.ts`).
 */

const run = promisify(execFile);
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

function envelope(tenantId: string, streamId: string, type: string, at: number, data: Record<string, unknown>): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    tenantId,
    context: 'booking',
    streamId,
    occurredAt: new Date(at).toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}

export interface Generated {
  tenantId: string;
  locations: { locationId: string; timezone: string }[];
  first: number;
  floorsPerLocation: number;
  bookings: number;
  events: number;
  writeSeconds: number;
}

/** The generated year, or the one a previous run left in `dir` for the same settings (BENCH_ANALYTICS_DATA). */
async function generate(dir: string, settings: AnalyticsBenchSettings, say: (line: string) => void): Promise<Generated> {
  const manifestFile = join(dir, 'bench-analytics.json');
  const key = { spaces: settings.spaces, days: settings.days, version: 1 };
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Generated & { key: typeof key };
    if (JSON.stringify(manifest.key) === JSON.stringify(key)) {
      say(`bench analytics: reusing the ${manifest.events.toLocaleString('en')} events generated earlier in ${dir}`);
      return manifest;
    }
    throw new Error(`${dir} holds a year generated for other settings (${JSON.stringify(manifest.key)}); remove it or use another directory`);
  }
  if (existsSync(join(dir, 'booking'))) throw new Error(`${dir} holds an event store without its manifest (an interrupted run?); remove it`);
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
    await store.appendToStream(stream, [
      toNewEvent(envelope(tenantId, stream, 'LocationCreated', first - DAY, { ...location, name: 'Office', bookableWeekdays: [1, 2, 3, 4, 5] })),
    ]);
    events += 1;
  }
  for (let n = 0; n < settings.spaces; n += 1) {
    const location = locations[Math.floor(n / perLocation)]!;
    const spaceId = randomUUID();
    const stream = `space-${tenantId}-${spaceId}`;
    const floor = String((n % perLocation) % floorsPerLocation);
    const batch: EventEnvelope[] = [
      envelope(tenantId, stream, 'SpaceCreated', first - DAY, {
        spaceId,
        locationId: location.locationId,
        name: `Desk ${n}`,
        kind: n % 10 === 0 ? 'room' : 'desk',
        floor,
        zone: n % 2 ? 'A' : 'B',
      }),
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
  const generated: Generated = { tenantId, locations, first, floorsPerLocation, bookings, events, writeSeconds };
  writeFileSync(manifestFile, JSON.stringify({ ...generated, key }));
  return generated;
}

/** Runs `analytics-queries.js` on the store in `dir` and takes its figures. */
async function timeQueriesApart(dir: string, queries: number): Promise<Pick<AnalyticsBenchResult, 'utilization' | 'heatmap'>> {
  const script = fileURLToPath(new URL('./analytics-queries.js', import.meta.url));
  const { stdout } = await run(process.execPath, [script, dir, String(queries)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Pick<AnalyticsBenchResult, 'utilization' | 'heatmap'>;
}

export async function analyticsBench(settings: AnalyticsBenchSettings, say: (line: string) => void): Promise<AnalyticsBenchResult> {
  // BENCH_ANALYTICS_DATA keeps the generated year for the next run (writing it takes minutes).
  const kept = process.env.BENCH_ANALYTICS_DATA;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'plass-bench-analytics-'));
  mkdirSync(dir, { recursive: true });
  try {
    const { bookings, events, writeSeconds } = await generate(dir, settings, say);
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

    await projection.current().close();
    // As the service does after `npm run analytics:rebuild`: a fresh process opens the rebuilt store.
    say(`bench analytics: ${settings.queries} queries of each kind in a fresh process on the rebuilt store (after ${WARM_UP_QUERIES} untimed ones)…`);
    const { utilization, heatmap } = await timeQueriesApart(dir, settings.queries);
    return {
      bookings,
      events,
      writeSeconds,
      rebuildSeconds,
      rebuildEventsPerSecond,
      utilization,
      heatmap,
    };
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
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
