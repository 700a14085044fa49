import type { EventEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';
import { CELL_LENGTH, M, dateOf, eachHour, leadBucket, noticeBucket, type Cell } from './domain/cells.js';
import { DAY_MS, HOUR_MS, bucketEnd, localHourStart } from './domain/local-time.js';

export const LOCATIONS = 'analytics_locations';
export const SPACES = 'analytics_spaces';
export const DAYS = 'analytics_days';

export interface LocationDocument {
  id: string;
  tenantId: string;
  locationId: string;
  timezone: string;
  bookableWeekdays: number[];
}

export interface SpaceDocument {
  id: string;
  tenantId: string;
  spaceId: string;
  locationId: string | null;
  kind: string;
  floor: string | null;
  zone: string | null;
  /** When the space became bookable, and stopped being (capacity counts the hours between). */
  enabledFrom: number;
  disabledAt: number | null;
}

/**
 * A booking as times only — no id — kept in the document of the local date it starts on, keyed by
 * its start (a space's bookings never overlap): what a cancellation, check-in or no-show of it
 * needs to take back the right minutes.
 */
export interface Slot {
  end: number;
  /** Its lead-time bucket, taken back if it is cancelled before it starts. */
  lead: number;
  checkedInAt: number | null;
}

/**
 * One space's cells of one local date: hour start (ms) → measures (`domain/cells.ts`). Small, so
 * an event rewrites little; a month of a floor is a few thousand reads by id.
 */
export interface DayDocument {
  id: string;
  date: string;
  cells: Record<string, Cell>;
  /** The bookings starting this local date, by start (ms). */
  starts?: Record<string, Slot>;
}

export const locationDocId = (tenantId: string, locationId: string) => `${tenantId}:${locationId}`;
export const spaceDocId = (tenantId: string, spaceId: string) => `${tenantId}:${spaceId}`;
export const dayDocId = (tenantId: string, spaceId: string, date: string) => `${tenantId}:${spaceId}:${date}`;

/** A check-in may come this long before its booking starts. */
const CHECK_IN_EARLY_MS = HOUR_MS;

// Only these fields are read: never `bookedBy` or `subject` (sealed personal data).
interface Times {
  spaceId: string;
  start: number;
  end: number;
}
const timesOf = (event: EventEnvelope): Times => {
  const data = event.data as { spaceId: string; start: string; end: string };
  return { spaceId: data.spaceId, start: Date.parse(data.start), end: Date.parse(data.end) };
};

/** The cells of one booking's location, written back once the handler is done. */
class LocationCells {
  private readonly days = new Map<string, DayDocument>();

  constructor(
    private readonly tx: ProjectionTx,
    private readonly location: LocationDocument,
  ) {}

  private day(spaceId: string, ms: number): DayDocument {
    const date = dateOf(this.location.timezone, ms);
    const id = dayDocId(this.location.tenantId, spaceId, date);
    let day = this.days.get(id);
    if (!day) {
      day = this.tx.get<DayDocument>(DAYS, id) ?? { id, date, cells: {} };
      this.days.set(id, day);
    }
    return day;
  }

  slot(spaceId: string, start: number): Slot | undefined {
    return this.day(spaceId, start).starts?.[String(start)];
  }

  setSlot(spaceId: string, start: number, slot: Slot | undefined): void {
    const day = this.day(spaceId, start);
    const { [String(start)]: _old, ...others } = day.starts ?? {};
    day.starts = slot ? { ...others, [String(start)]: slot } : others;
  }

  /** The live slot a check-in at `at` without times belongs to: it runs then, or starts within the hour. */
  slotFor(spaceId: string, at: number): { start: number; slot: Slot } | undefined {
    const candidates = [this.day(spaceId, at - DAY_MS), this.day(spaceId, at), this.day(spaceId, at + HOUR_MS)].flatMap((day) =>
      Object.entries(day.starts ?? {}).map(([start, slot]) => ({ start: Number(start), slot })),
    );
    return candidates
      .filter(({ start, slot }) => slot.checkedInAt === null && start - CHECK_IN_EARLY_MS <= at && at < slot.end)
      .sort((a, b) => Math.abs(a.start - at) - Math.abs(b.start - at))[0];
  }

  add(spaceId: string, hour: number, index: number, amount: number): void {
    const day = this.day(spaceId, hour);
    const key = String(hour);
    const cell = day.cells[key] ?? new Array<number>(CELL_LENGTH).fill(0);
    cell[index] = Math.round((cell[index]! + amount) * 1000) / 1000;
    day.cells[key] = cell;
  }

  /** `minutes(hour, overlap)` for every hour of [from, to). */
  addMinutes(spaceId: string, from: number, to: number, index: number, sign: 1 | -1): void {
    eachHour(this.location.timezone, from, to, (hour, minutes) => this.add(spaceId, hour, index, sign * minutes));
  }

  addPerHour(spaceId: string, from: number, to: number, index: number, sign: 1 | -1): void {
    eachHour(this.location.timezone, from, to, (hour) => this.add(spaceId, hour, index, sign));
  }

  hourOf(ms: number): number {
    return localHourStart(this.location.timezone, ms);
  }

  /** The first hour that starts at or after `ms`. */
  hourFrom(ms: number): number {
    const hour = this.hourOf(ms);
    return hour === ms ? hour : bucketEnd(this.location.timezone, hour, 'hour');
  }

  flush(): void {
    for (const day of this.days.values()) this.tx.put(DAYS, day.id, day);
  }
}

function withSpace(event: EventEnvelope, tx: ProjectionTx, change: (space: SpaceDocument, cells: LocationCells) => void): void {
  const { spaceId } = event.data as { spaceId: string };
  const space = tx.get<SpaceDocument>(SPACES, spaceDocId(event.tenantId, spaceId));
  if (!space?.locationId) return;
  const location = tx.get<LocationDocument>(LOCATIONS, locationDocId(event.tenantId, space.locationId));
  if (!location) return;
  const cells = new LocationCells(tx, location);
  change(space, cells);
  cells.flush();
}

/** A cancellation or no-show of a booking the cells hold (the same space, start and end); others are ignored. */
function withLiveBooking(event: EventEnvelope, tx: ProjectionTx, change: (space: SpaceDocument, cells: LocationCells, times: Times, at: number, slot: Slot) => void): void {
  withSpace(event, tx, (space, cells) => {
    const times = timesOf(event);
    const slot = cells.slot(space.spaceId, times.start);
    if (slot && slot.end === times.end) change(space, cells, times, Date.parse(event.occurredAt), slot);
  });
}

/** The part [from, end) of a live booking stops counting: cancelled, or released as a no-show at `from`. */
function stopAt(cells: LocationCells, spaceId: string, slot: Slot, times: Times, from: number): void {
  const cut = Math.max(from, times.start);
  if (cut >= times.end) return;
  cells.addMinutes(spaceId, cut, times.end, M.bookedMinutes, -1);
  if (slot.checkedInAt !== null) cells.addMinutes(spaceId, Math.max(cut, slot.checkedInAt), times.end, M.checkedInMinutes, -1);
}

/**
 * Booking's events folded into anonymous cells per space and local hour (ADR 0015). Idempotent by
 * event id (the runner); a rebuild from booking's store yields the same documents.
 */
export const analyticsProjection: ProjectionDefinition = {
  name: 'analytics_utilization',
  collections: [LOCATIONS, SPACES, DAYS],
  rebuildInMemory: true,
  handlers: {
    LocationCreated: (event, tx) => {
      const { locationId, timezone, bookableWeekdays } = event.data as { locationId: string; timezone: string; bookableWeekdays: number[] };
      const id = locationDocId(event.tenantId, locationId);
      tx.put(LOCATIONS, id, { id, tenantId: event.tenantId, locationId, timezone, bookableWeekdays } satisfies LocationDocument);
    },
    LocationUpdated: (event, tx) => {
      const { locationId, timezone, bookableWeekdays } = event.data as { locationId: string; timezone?: string; bookableWeekdays?: number[] };
      const id = locationDocId(event.tenantId, locationId);
      const doc = tx.get<LocationDocument>(LOCATIONS, id);
      if (doc) tx.put(LOCATIONS, id, { ...doc, ...(timezone ? { timezone } : {}), ...(bookableWeekdays ? { bookableWeekdays } : {}) });
    },
    SpaceCreated: (event, tx) => {
      const { spaceId, locationId, kind, floor, zone } = event.data as { spaceId: string; locationId?: string; kind: string; floor?: string; zone?: string };
      const id = spaceDocId(event.tenantId, spaceId);
      const doc: SpaceDocument = {
        id,
        tenantId: event.tenantId,
        spaceId,
        locationId: locationId ?? null,
        kind,
        floor: floor ?? null,
        zone: zone ?? null,
        enabledFrom: Date.parse(event.occurredAt),
        disabledAt: null,
      };
      tx.put(SPACES, id, doc);
    },
    SpaceUpdated: (event, tx) => {
      const { spaceId, floor, zone } = event.data as { spaceId: string; floor?: string | null; zone?: string | null };
      const id = spaceDocId(event.tenantId, spaceId);
      const doc = tx.get<SpaceDocument>(SPACES, id);
      if (doc) tx.put(SPACES, id, { ...doc, ...(floor !== undefined ? { floor } : {}), ...(zone !== undefined ? { zone } : {}) });
    },
    SpaceDisabled: (event, tx) => {
      const id = spaceDocId(event.tenantId, (event.data as { spaceId: string }).spaceId);
      const doc = tx.get<SpaceDocument>(SPACES, id);
      if (doc && doc.disabledAt === null) tx.put(SPACES, id, { ...doc, disabledAt: Date.parse(event.occurredAt) });
    },
    BookingConfirmed: (event, tx) =>
      withSpace(event, tx, (space, cells) => {
        const times = timesOf(event);
        if (cells.slot(space.spaceId, times.start)) return;
        cells.addMinutes(space.spaceId, times.start, times.end, M.bookedMinutes, 1);
        cells.addPerHour(space.spaceId, times.start, times.end, M.touching, 1);
        const startHour = cells.hourOf(times.start);
        cells.add(space.spaceId, startHour, M.started, 1);
        const lead = leadBucket(times.start - Date.parse(event.occurredAt));
        cells.add(space.spaceId, startHour, M.lead + lead, 1);
        cells.setSlot(space.spaceId, times.start, { end: times.end, lead, checkedInAt: null });
      }),
    BookingCheckedIn: (event, tx) =>
      withSpace(event, tx, (space, cells) => {
        const at = Date.parse(event.occurredAt);
        const { start, end } = event.data as { start?: string; end?: string };
        // Events of before `start`/`end` were added: the nearest live slot of the space.
        const found =
          start !== undefined && end !== undefined
            ? { start: Date.parse(start), slot: cells.slot(space.spaceId, Date.parse(start)) }
            : cells.slotFor(space.spaceId, at);
        if (!found?.slot || found.slot.checkedInAt !== null) return;
        cells.setSlot(space.spaceId, found.start, { ...found.slot, checkedInAt: at });
        cells.addMinutes(space.spaceId, Math.max(at, found.start), found.slot.end, M.checkedInMinutes, 1);
      }),
    BookingCancelled: (event, tx) =>
      withLiveBooking(event, tx, (space, cells, times, at, slot) => {
        stopAt(cells, space.spaceId, slot, times, at);
        const startHour = cells.hourOf(times.start);
        if (at <= times.start) {
          // Never happened: it leaves the hours it would have touched, and counts as a cancellation.
          cells.addPerHour(space.spaceId, times.start, times.end, M.touching, -1);
          cells.add(space.spaceId, startHour, M.started, -1);
          cells.add(space.spaceId, startHour, M.lead + slot.lead, -1);
        } else {
          // Started: the hours from the cancellation on no longer see it.
          cells.addPerHour(space.spaceId, cells.hourFrom(at), times.end, M.touching, -1);
        }
        // An erasure cancels the person's future bookings: the hours are free again, but nobody cancelled.
        if ((event.data as { reason?: string }).reason !== 'erasure') {
          cells.add(space.spaceId, startHour, M.cancellations, 1);
          cells.add(space.spaceId, startHour, M.notice + noticeBucket(times.start - at), 1);
        }
        cells.setSlot(space.spaceId, times.start, undefined);
      }),
    BookingReleasedAsNoShow: (event, tx) =>
      withLiveBooking(event, tx, (space, cells, times, at, slot) => {
        stopAt(cells, space.spaceId, slot, times, at);
        cells.add(space.spaceId, cells.hourOf(times.start), M.noShows, 1);
        cells.setSlot(space.spaceId, times.start, { ...slot, end: Math.max(times.start, at) });
      }),
  },
};
