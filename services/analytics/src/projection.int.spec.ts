import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner, openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import { tempDir, type TempDir } from '@plass/testing';
import { heatmapOf, peaksOf, utilizationOf, type LocationCells } from './domain/queries.js';
import { loadLocation } from './analytics-app.js';
import { LOCATIONS, SPACES, analyticsProjection, type LocationDocument, type SpaceDocument } from './projection.js';
import { SEEDED_FROM, SEEDED_TO, expectedBySpaceHour, seededEvents, seededMonth } from './test-support/seeded-month.js';

const DAY = 86_400_000;

async function cellsOf(store: ProjectionStore, tenantId: string, by: 'space' | 'atom' = 'space'): Promise<LocationCells[]> {
  const locations = await store.find<LocationDocument>(LOCATIONS, { tenantId });
  const spaces = await store.find<SpaceDocument>(SPACES, { tenantId });
  return Promise.all(locations.map((location) => loadLocation(store, location, spaces, { from: SEEDED_FROM - 3 * DAY, to: SEEDED_TO + 3 * DAY }, by)));
}

/** Every answer but those by space, from the given cells. */
function answers(locations: LocationCells[]) {
  const window = { from: SEEDED_FROM, to: SEEDED_TO };
  return locations.map((data) => ({
    utilization: (['location', 'floor', 'zone', 'kind'] as const).flatMap((groupBy) =>
      (['hour', 'day', 'week', 'month'] as const).flatMap((granularity) => [1, 5, 12].map((k) => utilizationOf(data, { ...window, groupBy, granularity, k }))),
    ),
    heatmaps: [undefined, ...new Set(data.spaces.map((space) => space.floor ?? '-'))].map((floor) => heatmapOf(data, { ...window, floor, k: 5 })),
    peaks: peaksOf(data, { ...window, k: 5 }),
  }));
}

describe('the utilization projection over a seeded month (SQLite)', () => {
  let dir: TempDir;
  let store: ProjectionStore;
  const month = seededMonth(11);
  const events = seededEvents(month);

  beforeAll(async () => {
    dir = tempDir('plass-analytics-');
    store = openSqliteProjectionStore({ file: join(dir.path, 'analytics.db') });
    const runner = new ProjectionRunner({ definition: analyticsProjection, store });
    for (const event of events) await runner.handle(event);
  });

  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('equals a minute-by-minute expectation per space and local hour, across two DST changes and a half-hour zone', async () => {
    expect(month.bookings.length).toBeGreaterThan(1000);
    const { expected, keyOf } = expectedBySpaceHour(month);
    const seen = new Map<string, { bookedMinutes: number; checkedInMinutes: number; bookings: number; cancellations: number; noShows: number }>();
    for (const data of await cellsOf(store, month.tenantId)) {
      const buckets = utilizationOf(data, { from: SEEDED_FROM - 3 * DAY, to: SEEDED_TO + 3 * DAY, groupBy: 'space', granularity: 'hour', k: 1 });
      for (const bucket of buckets) {
        const measures = {
          bookedMinutes: bucket.bookedMinutes!,
          checkedInMinutes: bucket.checkedInMinutes!,
          bookings: bucket.bookings!,
          cancellations: bucket.cancellations!,
          noShows: bucket.noShows!,
        };
        if (Object.values(measures).some((value) => value !== 0)) seen.set(keyOf(bucket.key, Date.parse(bucket.start)), measures);
      }
    }
    const nonZero = new Map([...expected].filter(([, value]) => Object.values(value).some((measure) => measure !== 0)));
    expect(seen.size).toBe(nonZero.size);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(nonZero));
  });

  it('changes nothing when every event is delivered again, or when the booker and title are sealed otherwise', async () => {
    const before = JSON.stringify(await cellsOf(store, month.tenantId));
    const runner = new ProjectionRunner({ definition: analyticsProjection, store });
    for (const event of events) await runner.handle(event);
    expect(JSON.stringify(await cellsOf(store, month.tenantId))).toBe(before);

    const other = openSqliteProjectionStore({ file: join(dir.path, 'other.db') });
    const replay = new ProjectionRunner({ definition: analyticsProjection, store: other });
    const resealed = { $enc: 'A256GCM', kid: 'another-key', iv: 'b3RoZXI', ct: 'c29tZW9uZSBlbHNl' };
    await replay.rebuild(events.map((event) => (event.type === 'BookingConfirmed' ? { ...event, data: { ...event.data, bookedBy: resealed, subject: resealed } } : event)));
    expect(JSON.stringify(await cellsOf(other, month.tenantId))).toBe(before);
    await other.close();
  });

  it('answers the same from the atoms of the location days as from the spaces', async () => {
    const bySpace = answers(await cellsOf(store, month.tenantId, 'space'));
    expect(bySpace.flatMap((location) => location.utilization.flat()).filter((bucket) => bucket.suppressed).length).toBeGreaterThan(0);
    expect(answers(await cellsOf(store, month.tenantId, 'atom'))).toEqual(bySpace);
  });

  it("moves a space's cells to its new atom when it moves to another floor or zone, and back", async () => {
    const moving = month.spaces[0]!;
    const other = month.spaces.find((space) => space.locationId === moving.locationId && space.floor !== moving.floor)!;
    const moved = openSqliteProjectionStore({ file: join(dir.path, 'moved.db') });
    const runner = new ProjectionRunner({ definition: analyticsProjection, store: moved });
    const at = new Date(SEEDED_FROM + 10 * DAY).toISOString();
    const move = (floor: string | null, zone: string | null, n: number) => ({
      ...events.find((event) => event.type === 'SpaceCreated')!,
      id: `00000000-0000-4000-8000-00000000000${n}`,
      type: 'SpaceUpdated',
      occurredAt: at,
      streamId: `space-${moving.spaceId}`,
      data: { spaceId: moving.spaceId, floor, zone },
    });
    const split = events.findIndex((event) => event.occurredAt > at);
    for (const event of [...events.slice(0, split), move(other.floor, null, 1), ...events.slice(split)]) await runner.handle(event);
    expect(answers(await cellsOf(moved, month.tenantId, 'atom'))).toEqual(answers(await cellsOf(moved, month.tenantId, 'space')));
    expect(answers(await cellsOf(moved, month.tenantId, 'atom'))).not.toEqual(answers(await cellsOf(store, month.tenantId, 'atom')));
    await runner.handle(move(moving.floor, moving.zone, 2));
    expect(answers(await cellsOf(moved, month.tenantId, 'atom'))).toEqual(answers(await cellsOf(store, month.tenantId, 'atom')));
    await moved.close();
  }, 30_000);

  it('holds no booking id or person id', async () => {
    const dump = JSON.stringify(await cellsOf(store, month.tenantId));
    for (const booking of month.bookings.slice(0, 200)) expect(dump).not.toContain(booking.bookingId);
    for (const person of month.people) expect(dump).not.toContain(person);
  });
});

// Editing a booking
describe('an edited booking in the utilization projection', () => {
  it('counts where it moved to, as if booked there when it was moved, and leaves no trace where it was', async () => {
    const dir = tempDir('plass-analytics-edit-');
    const store = openSqliteProjectionStore({ file: join(dir.path, 'analytics.db') });
    try {
      const month = seededMonth(7);
      const runner = new ProjectionRunner({ definition: analyticsProjection, store });
      // Every third booking was first confirmed weeks later, half of them in another space, and moved to its real slot at once.
      let moved = 0;
      const events = seededEvents(month).flatMap((event, i) => {
        if (event.type !== 'BookingConfirmed' || i % 3 !== 0) return [event];
        moved += 1;
        const data = event.data as { spaceId: string; start: string; end: string };
        const other = month.spaces[(month.spaces.findIndex((space) => space.spaceId === data.spaceId) + (moved % 2)) % month.spaces.length]!;
        // After every real booking; a space's own bookings and those from the space before it land on different days, so no two collide.
        const decoy = (iso: string) => new Date(Date.parse(iso) + (other.spaceId === data.spaceId ? 40 : 80) * DAY).toISOString();
        const first = { ...event, data: { ...data, spaceId: other.spaceId, start: decoy(data.start), end: decoy(data.end) } };
        const rescheduled = {
          ...event,
          id: randomUUID(),
          type: 'BookingRescheduled',
          data: {
            ...data,
            ...(other.spaceId === data.spaceId ? {} : { previousSpaceId: other.spaceId }),
            previousStart: decoy(data.start),
            previousEnd: decoy(data.end),
          },
        };
        return [first, rescheduled];
      });
      expect(moved).toBeGreaterThan(100);
      for (const event of events) await runner.handle(event);

      const { expected, keyOf } = expectedBySpaceHour(month);
      const seen = new Map<string, unknown>();
      for (const data of await cellsOf(store, month.tenantId)) {
        for (const bucket of utilizationOf(data, { from: SEEDED_FROM - 3 * DAY, to: SEEDED_TO + 3 * DAY, groupBy: 'space', granularity: 'hour', k: 1 })) {
          const measures = {
            bookedMinutes: bucket.bookedMinutes!,
            checkedInMinutes: bucket.checkedInMinutes!,
            bookings: bucket.bookings!,
            cancellations: bucket.cancellations!,
            noShows: bucket.noShows!,
          };
          if (Object.values(measures).some((value) => value !== 0)) seen.set(keyOf(bucket.key, Date.parse(bucket.start)), measures);
        }
      }
      expect(Object.fromEntries(seen)).toEqual(Object.fromEntries([...expected].filter(([, value]) => Object.values(value).some((measure) => measure !== 0))));
      // Where they were first confirmed, nothing is left.
      const window = { from: SEEDED_TO + 4 * DAY, to: SEEDED_TO + 90 * DAY };
      const locations = await store.find<LocationDocument>(LOCATIONS, { tenantId: month.tenantId });
      const spaces = await store.find<SpaceDocument>(SPACES, { tenantId: month.tenantId });
      const later = await Promise.all(
        locations.map(async (location) =>
          utilizationOf(await loadLocation(store, location, spaces, window, 'space'), { ...window, groupBy: 'location', granularity: 'month', k: 1 }),
        ),
      );
      expect(later.flat().length).toBeGreaterThan(0);
      expect(later.flat().filter((bucket) => (bucket.bookedMinutes ?? 0) !== 0 || (bucket.bookings ?? 0) !== 0)).toEqual([]);
    } finally {
      await store.close();
      dir.remove();
    }
  }, 60_000);
});
// End of: Editing a booking
