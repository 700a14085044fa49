import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SEEDED_FROM, SEEDED_TO, expectedBySpaceHour, seededMonth, type SeededMonth } from '@plass/analytics';
import { scanForPlaintext, tempDir, waitFor } from '@plass/testing';
import { chromium } from 'playwright-core';
import { seedBookingStore } from './analytics-seed.js';
import { gatewayClient } from './client.js';
import { startSystem, type System } from './system.js';

const DAY = 86_400_000;
const CHROMIUM = '/usr/bin/chromium';
/** The little of the DOM these page functions use: the project compiles without the DOM library. */
interface DomElement {
  getAttribute(name: string): string | null;
  removeAttribute(name: string): void;
}

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
if (!existsSync(CHROMIUM)) console.warn(`analytics dashboard test SKIPPED: no ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
const inBrowser = existsSync(CHROMIUM) ? it : it.skip;
const from = new Date(SEEDED_FROM).toISOString();
const to = new Date(SEEDED_TO).toISOString();

interface Bucket {
  key: string;
  locationId: string;
  start: string;
  bookedMinutes: number | null;
  checkedInMinutes: number | null;
  bookings: number | null;
  cancellations: number | null;
  noShows: number | null;
  suppressed: boolean;
}

/** Analytics over a seeded month written into booking's store: exact, anonymous, and unmoved by erasure, retention and rebuilds. */
describe('analytics', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let analyst: string;
  let employee: string;
  let dpo: string;
  let month: SeededMonth;
  let people: Array<{ id: string; email: string; displayName: string }>;
  let tenant: Awaited<ReturnType<ReturnType<typeof gatewayClient>['tenantWith']>>;

  const get = (path: string, token = analyst, headers?: Record<string, string>) => client.call('GET', path, { token, ...(headers ? { headers } : {}) });
  const utilization = async (groupBy: string, granularity: string, extra = '', window = { from, to }) => {
    const answer = await get(`/v1/analytics/utilization?from=${window.from}&to=${window.to}&groupBy=${groupBy}&granularity=${granularity}${extra}`);
    expect({ status: answer.status, body: answer.status === 200 ? 'ok' : answer.body }).toEqual({ status: 200, body: 'ok' });
    return answer.body as unknown as { minGroupSize: number; items: Bucket[] };
  };
  const everything = async () =>
    JSON.stringify(
      await Promise.all([
        utilization('floor', 'day'),
        utilization('kind', 'week'),
        utilization('location', 'month'),
        ...month.locations.flatMap(({ locationId }) => [utilization('space', 'day', `&locationId=${locationId}`), utilization('floor', 'hour', `&locationId=${locationId}`)]),
      ]),
    );
  const settled = () =>
    waitFor(async () => ((await system.booking.settled()) && (await system.analytics.settled()) ? true : undefined), {
      what: 'booking and analytics to catch up',
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    const names = ['Aino', 'Birk', 'Cora', 'Dag', 'Eli', 'Frid', 'Gro', 'Hakon'];
    tenant = await client.tenantWith(system.operatorToken, 'Metrics', [
      ...names.map((name) => ({ email: `${name.toLowerCase()}@metrics.example`, displayName: `${name} Seeded`, role: 'employee' })),
      { email: 'ana@metrics.example', displayName: 'Ana Lyst', role: 'analyst' },
      { email: 'dpo@metrics.example', displayName: 'Dina Officer', role: 'privacy_officer' },
    ]);
    admin = tenant.adminToken;
    analyst = tenant.users['ana@metrics.example']!.token;
    dpo = tenant.users['dpo@metrics.example']!.token;
    employee = tenant.users['aino@metrics.example']!.token;
    people = names.map((name) => tenant.users[`${name.toLowerCase()}@metrics.example`]!);
    month = seededMonth(3, { tenantId: tenant.tenantId, personIds: people.map((person) => person.id) });
    await seedBookingStore(system.dataDir, system.natsUrl, month);
    await waitFor(
      async () => {
        const buckets = (await utilization('location', 'month')).items;
        return buckets.reduce((sum, bucket) => sum + (bucket.bookings ?? 0), 0) > 0 && (await system.analytics.settled()) ? true : undefined;
      },
      { what: 'the seeded month in the statistics', timeoutMs: 60_000 },
    );
    await settled();
    expect((await client.call('PATCH', '/v1/settings/privacy', { token: admin, body: { analyticsMinGroupSize: 2 } })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('per floor and local day equals the expectation computed from the raw bookings; small cells are suppressed', async () => {
    const { expected } = expectedBySpaceHour(month);
    const floorOf = new Map(month.spaces.map((space) => [space.spaceId, `${space.locationId}/${space.floor}`]));
    const zoneOf = new Map(month.locations.map((location) => [location.locationId, location.timezone]));
    const sums = new Map<string, { bookedMinutes: number; checkedInMinutes: number; bookings: number; cancellations: number; noShows: number }>();
    for (const [key, value] of expected) {
      const [spaceId, date] = key.split('|') as [string, string];
      const id = `${floorOf.get(spaceId)}|${date}`;
      const sum = sums.get(id) ?? { bookedMinutes: 0, checkedInMinutes: 0, bookings: 0, cancellations: 0, noShows: 0 };
      for (const field of Object.keys(sum) as Array<keyof typeof sum>) sum[field] += value[field];
      sums.set(id, sum);
    }
    const wide = { from: new Date(SEEDED_FROM - 3 * DAY).toISOString(), to: new Date(SEEDED_TO + 3 * DAY).toISOString() };
    const { minGroupSize, items } = await utilization('floor', 'day', '', wide);
    expect(minGroupSize).toBe(2);
    let compared = 0;
    for (const bucket of items) {
      const date = new Intl.DateTimeFormat('en-CA', { timeZone: zoneOf.get(bucket.locationId)! }).format(new Date(bucket.start));
      const want = sums.get(`${bucket.key}|${date}`) ?? { bookedMinutes: 0, checkedInMinutes: 0, bookings: 0, cancellations: 0, noShows: 0 };
      if (bucket.suppressed) {
        expect(bucket.bookedMinutes).toBeNull();
        continue;
      }
      expect({
        key: `${bucket.key}|${date}`,
        bookedMinutes: bucket.bookedMinutes,
        checkedInMinutes: bucket.checkedInMinutes,
        bookings: bucket.bookings,
        cancellations: bucket.cancellations,
        noShows: bucket.noShows,
      }).toEqual({
        key: `${bucket.key}|${date}`,
        ...want,
      });
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100);
    // With the default k of 5, hourly desks are too small to show.
    expect((await client.call('PATCH', '/v1/settings/privacy', { token: admin, body: { analyticsMinGroupSize: 5 } })).status).toBe(200);
    const tenDays = { from, to: new Date(SEEDED_FROM + 10 * DAY).toISOString() };
    const strict = await utilization('space', 'hour', `&locationId=${month.locations[0]!.locationId}&floor=1`, tenDays);
    expect(strict.items.filter((bucket) => (bucket.bookings ?? 0) > 0)).toEqual([]);
    expect(strict.items.some((bucket) => bucket.suppressed)).toBe(true);
    expect((await client.call('PATCH', '/v1/settings/privacy', { token: admin, body: { analyticsMinGroupSize: 2 } })).status).toBe(200);
  }, 30_000);

  it('answers CSV with a header row and a suppressed column, and OpenAPI documents it', async () => {
    const json = await utilization('floor', 'week');
    const csv = await get(`/v1/analytics/utilization?from=${from}&to=${to}&groupBy=floor&granularity=week`, analyst, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('locationId,key,start,bookedMinutes,checkedInMinutes,capacityMinutes,occupancy,checkInRate,bookings,cancellations,noShows,noShowRate,suppressed');
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(json.items.length);
    const heatmap = await get(`/v1/analytics/heatmap?from=${from}&to=${to}&locationId=${month.locations[0]!.locationId}`, analyst, { accept: 'text/csv' });
    expect(heatmap.text.split('\r\n')[0]).toBe('locationId,floor,weekday,hour,bookedMinutes,capacityMinutes,occupancy,suppressed');
    const openapi = (await client.call('GET', '/openapi.json', {})).body as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }> };
    expect(Object.keys(openapi.paths['/v1/analytics/utilization']!.get.responses['200']!.content)).toEqual(['application/json', 'text/csv']);
  });

  it('answers bad input with 4xx problems', async () => {
    const problem = async (path: string, token = analyst) => {
      const answer = await get(path, token);
      return { status: answer.status, code: answer.body.code };
    };
    const base = `/v1/analytics/utilization?from=${from}&to=${to}&granularity=day`;
    expect(await problem(`${base}&groupBy=desk`)).toEqual({ status: 400, code: 'validation.failed' });
    expect(await problem(`/v1/analytics/utilization?from=${to}&to=${from}&groupBy=floor&granularity=day`)).toEqual({ status: 400, code: 'validation.failed' });
    const far = new Date(SEEDED_FROM - 401 * DAY).toISOString();
    expect(await problem(`/v1/analytics/utilization?from=${far}&to=${from}&groupBy=floor&granularity=day`)).toEqual({ status: 400, code: 'validation.failed' });
    expect(await problem(`${base}&groupBy=floor&locationId=00000000-0000-4000-8000-000000000001`)).toEqual({ status: 404, code: 'location.not_found' });
    expect(await problem(`/v1/analytics/heatmap?from=${from}&to=${to}&locationId=00000000-0000-4000-8000-000000000001`)).toEqual({ status: 404, code: 'location.not_found' });
    expect(await problem(`${base}&groupBy=floor`, employee)).toEqual({ status: 403, code: 'auth.forbidden' });
    expect(await problem(`/v1/analytics/peaks?from=${from}&to=nope`)).toEqual({ status: 400, code: 'validation.failed' });
    expect(await problem(`${base}&groupBy=kind&floor=1`)).toEqual({ status: 400, code: 'validation.failed' });
    expect(await problem(`/v1/analytics/utilization?from=${from}&to=${to}&groupBy=space&granularity=hour`)).toEqual({ status: 422, code: 'analytics.too_many_buckets' });
  });

  it('gives heatmap and peaks per location', async () => {
    const location = month.locations[0]!.locationId;
    const heatmap = (await get(`/v1/analytics/heatmap?from=${from}&to=${to}&locationId=${location}&floor=1`)).body as {
      cells: Array<{ weekday: number; hour: number; occupancy: number | null }>;
    };
    expect(heatmap.cells.length).toBeGreaterThan(24);
    expect(heatmap.cells.some((cell) => (cell.occupancy ?? 0) > 0)).toBe(true);
    const peaks = (await get(`/v1/analytics/peaks?from=${from}&to=${to}`)).body as { items: Array<{ locationId: string; busiestHour: { occupancy: number } | null }> };
    expect(peaks.items.map((item) => item.locationId).sort()).toEqual(month.locations.map((item) => item.locationId).sort());
    expect(peaks.items.every((item) => item.busiestHour !== null)).toBe(true);
  });

  inBrowser(
    'shows the heatmap in real Chromium as the API computes it, suppressed cells as such',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
        await page.goto(`${system.url}/analytics`);
        await page.fill('input[name=tenantId]', tenant.tenantId);
        await page.fill('input[name=email]', 'ana@metrics.example');
        await page.fill('input[name=password]', tenant.password);
        await page.click('#login button[type=submit]');
        await page.waitForSelector('body[data-state=ready]');
        const location = month.locations[0]!.locationId;
        await page.fill('input[name=from]', '2026-10-12');
        await page.fill('input[name=to]', '2026-11-11');
        await page.selectOption('select[name=location]', location);
        await page.$eval('body', (body: DomElement) => body.removeAttribute('data-state'));
        await page.click('#filters button[type=submit]');
        await page.waitForSelector('body[data-state=ready]');

        const shown = await page.$$eval('#heatmap td[data-occupancy]', (cells: DomElement[]) =>
          cells.map((cell) => `${cell.getAttribute('data-weekday')}/${cell.getAttribute('data-hour')}=${cell.getAttribute('data-occupancy')}`),
        );
        const api = (await get(`/v1/analytics/heatmap?from=${from}&to=${to}&locationId=${location}`)).body as {
          cells: Array<{ weekday: number; hour: number; occupancy: number | null; suppressed: boolean; capacityMinutes: number }>;
        };
        const expected = api.cells
          .filter((cell) => cell.capacityMinutes > 0)
          .map((cell) => `${cell.weekday}/${cell.hour}=${cell.suppressed ? 'suppressed' : String(cell.occupancy)}`);
        expect(shown.sort()).toEqual(expected.sort());
        expect(shown.some((cell) => !cell.endsWith('=suppressed'))).toBe(true);
        expect(Number(await page.getAttribute('#occupancy-chart', 'data-floors'))).toBe(2);
        expect(await page.$$eval('#no-shows tbody tr', (rows) => rows.length)).toBeGreaterThan(3);
        expect(errors).toEqual([]);

        mkdirSync(ARTIFACTS, { recursive: true });
        const screenshot = join(ARTIFACTS, 'analytics-dashboard.png');
        await page.screenshot({ path: screenshot, fullPage: true });
        console.log(`analytics dashboard screenshot: ${screenshot}`);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it('is byte-identical after erasing people, after retention anonymizes the oldest week, and after a rebuild', async () => {
    const before = await everything();
    for (const person of people.slice(0, 3)) {
      const erasure = await client.call('POST', '/v1/privacy/erasure-requests', { token: dpo, body: { subjectId: person.id } });
      expect(erasure.status).toBe(202);
      const done = await waitFor(
        async () => {
          const answer = await client.call('GET', `/v1/privacy/erasure-requests/${erasure.body.id as string}`, { token: dpo });
          return answer.body.status === 'completed' ? answer.body : undefined;
        },
        { what: 'the erasure to complete' },
      );
      expect(Object.keys(done.receipts as object).sort()).toEqual(['analytics', 'booking', 'identity', 'notification', 'privacy']);
    }
    await settled();
    expect(await everything()).toBe(before);

    const oldestWeekEnds = SEEDED_FROM + 7 * DAY;
    const days = Math.floor((system.bookingNow().getTime() - oldestWeekEnds) / DAY);
    expect((await client.call('PATCH', '/v1/settings/privacy', { token: admin, body: { anonymizeBookingsAfterDays: days } })).status).toBe(200);
    expect((await system.booking.runRetention()).destroyedKeys).toBeGreaterThan(0);
    await settled();
    expect(await everything()).toBe(before);

    const started = await client.call('POST', '/v1/analytics/rebuild', { token: admin });
    expect(started.status).toBe(202);
    expect((await client.call('POST', '/v1/analytics/rebuild', { token: analyst })).status).toBe(403);
    const rebuilt = await waitFor(
      async () => {
        const answer = await client.call('GET', `/v1/analytics/rebuild/${started.body.id as string}`, { token: admin });
        return answer.body.status === 'running' ? undefined : answer.body;
      },
      { what: 'the rebuild', timeoutMs: 60_000 },
    );
    expect(rebuilt).toMatchObject({ status: 'completed', events: expect.any(Number) });
    expect(rebuilt.events as number).toBeGreaterThan(month.bookings.length);
    expect(await everything()).toBe(before);
    // The old generation's file is gone, the new one is in use.
    expect(readdirSync(join(system.dataDir, 'analytics')).filter((file) => file.endsWith('.db'))).toHaveLength(1);
  }, 120_000);

  it('holds no user id, booking id, e-mail, name or title in its store or its log', () => {
    const needles = [...people.flatMap((person) => [person.id, person.email, person.displayName]), ...month.bookings.slice(0, 150).map((booking) => booking.bookingId)];
    expect(scanForPlaintext(join(system.dataDir, 'analytics'), needles)).toEqual([]);
    const logs = tempDir('plass-analytics-logs-');
    try {
      const own = readdirSync(join(system.dataDir, 'logs')).filter((file) => file.startsWith('analytics'));
      expect(own.length).toBeGreaterThan(0);
      for (const file of own) copyFileSync(join(system.dataDir, 'logs', file), join(logs.path, file));
      expect(scanForPlaintext(logs.path, needles)).toEqual([]);
    } finally {
      logs.remove();
    }
    // Positive control: the scan sees what the store does hold (a space id).
    expect(scanForPlaintext(join(system.dataDir, 'analytics'), [month.spaces[0]!.spaceId])).not.toEqual([]);
  });
});
