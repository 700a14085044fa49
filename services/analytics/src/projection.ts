import type { EventEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';
import { CELL_LENGTH, M, dateOf, eachHour, leadBucket, noticeBucket, type Cell } from './domain/cells.js';
import { HOUR_MS, bucketEnd, localHourStart } from './domain/local-time.js';

export const LOCATIONS = 'analytics_locations';
export const SPACES = 'analytics_spaces';
export const SLOTS = 'analytics_slots';
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
 * The live bookings of one space as times only, so a check-in (which names the booking, not its
 * times) finds its end; no booking id is kept. Slots are dropped a day after they end.
 */
export interface SlotsDocument {
  id: string;
  /** `lead`: the booking's lead-time bucket, taken back if it is cancelled before it starts. */
  slots: Array<{ start: number; end: number; checkedInAt: number | null; lead: number }>;
}

/**
 * One space's cells of one local date: hour start (ms) → measures (`domain/cells.ts`). Small, so
 * an event rewrites little; a month of a floor is a few thousand reads by id.
 */
export interface DayDocument {
  id: string;
  date: string;
  cells: Record<string, Cell>;
}

export const locationDocId = (tenantId: string, locationId: string) => `${tenantId}:${locationId}`;
export const spaceDocId = (tenantId: string, spaceId: string) => `${tenantId}:${spaceId}`;
export const dayDocId = (tenantId: string, spaceId: string, date: string) => `${tenantId}:${spaceId}:${date}`;

const SLOT_KEEP_MS = 24 * HOUR_MS;
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

  add(spaceId: string, hour: number, index: number, amount: number): void {
    const date = dateOf(this.location.timezone, hour);
    const id = dayDocId(this.location.tenantId, spaceId, date);
    let day = this.days.get(id);
    if (!day) {
      day = this.tx.get<DayDocument>(DAYS, id) ?? { id, date, cells: {} };
      this.days.set(id, day);
    }
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

function withSpace(event: EventEnvelope, tx: ProjectionTx, change: (space: SpaceDocument, cells: LocationCells, slots: SlotsDocument) => void): void {
  const { spaceId } = event.data as { spaceId: string };
  const space = tx.get<SpaceDocument>(SPACES, spaceDocId(event.tenantId, spaceId));
  if (!space?.locationId) return;
  const location = tx.get<LocationDocument>(LOCATIONS, locationDocId(event.tenantId, space.locationId));
  if (!location) return;
  const cells = new LocationCells(tx, location);
  const slotsId = spaceDocId(event.tenantId, spaceId);
  const stored = tx.get<SlotsDocument>(SLOTS, slotsId) ?? { id: slotsId, slots: [] };
  const at = Date.parse(event.occurredAt);
  const slots = { ...stored, slots: stored.slots.filter((slot) => slot.end + SLOT_KEEP_MS > at) };
  change(space, cells, slots);
  cells.flush();
  tx.put(SLOTS, slotsId, slots);
}

const findSlot = (slots: SlotsDocument, start: number, end: number) => slots.slots.find((slot) => slot.start === start && slot.end === end);

/** The part [from, end) of a live booking stops counting: cancelled, or released as a no-show at `from`. */
function stopAt(cells: LocationCells, spaceId: string, slot: SlotsDocument['slots'][number] | undefined, times: Times, from: number): void {
  const cut = Math.max(from, times.start);
  if (cut >= times.end) return;
  cells.addMinutes(spaceId, cut, times.end, M.bookedMinutes, -1);
  if (slot?.checkedInAt != null) cells.addMinutes(spaceId, Math.max(cut, slot.checkedInAt), times.end, M.checkedInMinutes, -1);
}

/**
 * Booking's events folded into anonymous cells per space and local hour (ADR 0015). Idempotent by
 * event id (the runner); a rebuild from booking's store yields the same documents.
 */
export const analyticsProjection: ProjectionDefinition = {
  name: 'analytics_utilization',
  collections: [LOCATIONS, SPACES, SLOTS, DAYS],
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
      withSpace(event, tx, (space, cells, slots) => {
        const times = timesOf(event);
        if (findSlot(slots, times.start, times.end)) return;
        cells.addMinutes(space.spaceId, times.start, times.end, M.bookedMinutes, 1);
        cells.addPerHour(space.spaceId, times.start, times.end, M.touching, 1);
        const startHour = cells.hourOf(times.start);
        cells.add(space.spaceId, startHour, M.started, 1);
        const lead = leadBucket(times.start - Date.parse(event.occurredAt));
        cells.add(space.spaceId, startHour, M.lead + lead, 1);
        slots.slots.push({ start: times.start, end: times.end, checkedInAt: null, lead });
      }),
    BookingCheckedIn: (event, tx) =>
      withSpace(event, tx, (space, cells, slots) => {
        const at = Date.parse(event.occurredAt);
        const { start, end } = event.data as { start?: string; end?: string };
        // Events of before `start`/`end` were added: the nearest live slot of the space.
        const slot =
          start !== undefined && end !== undefined
            ? findSlot(slots, Date.parse(start), Date.parse(end))
            : slots.slots
                .filter((candidate) => candidate.checkedInAt === null && candidate.start - CHECK_IN_EARLY_MS <= at && at < candidate.end)
                .sort((a, b) => Math.abs(a.start - at) - Math.abs(b.start - at))[0];
        if (!slot) return;
        slot.checkedInAt = at;
        cells.addMinutes(space.spaceId, Math.max(at, slot.start), slot.end, M.checkedInMinutes, 1);
      }),
    BookingCancelled: (event, tx) =>
      withSpace(event, tx, (space, cells, slots) => {
        const times = timesOf(event);
        const at = Date.parse(event.occurredAt);
        const slot = findSlot(slots, times.start, times.end);
        if (!slot) return;
        stopAt(cells, space.spaceId, slot, times, at);
        if (at <= times.start) {
          // Never happened: it leaves the hours it would have touched, and counts as a cancellation.
          cells.addPerHour(space.spaceId, times.start, times.end, M.touching, -1);
          const startHour = cells.hourOf(times.start);
          cells.add(space.spaceId, startHour, M.started, -1);
          cells.add(space.spaceId, startHour, M.lead + slot.lead, -1);
        } else {
          // Started: the hours from the cancellation on no longer see it.
          cells.addPerHour(space.spaceId, cells.hourFrom(at), times.end, M.touching, -1);
        }
        // An erasure cancels the person's future bookings: the hours are free again, but nobody cancelled.
        if ((event.data as { reason?: string }).reason !== 'erasure') {
          const startHour = cells.hourOf(times.start);
          cells.add(space.spaceId, startHour, M.cancellations, 1);
          cells.add(space.spaceId, startHour, M.notice + noticeBucket(times.start - at), 1);
        }
        slots.slots = slots.slots.filter((candidate) => candidate !== slot);
      }),
    BookingReleasedAsNoShow: (event, tx) =>
      withSpace(event, tx, (space, cells, slots) => {
        const times = timesOf(event);
        const slot = findSlot(slots, times.start, times.end);
        if (!slot) return;
        stopAt(cells, space.spaceId, slot, times, Date.parse(event.occurredAt));
        cells.add(space.spaceId, cells.hourOf(times.start), M.noShows, 1);
        slot.end = Math.max(slot.start, Date.parse(event.occurredAt));
      }),
  },
};
