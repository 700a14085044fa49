import type { TypedEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';
import { ATOM_CELL_LENGTH, CELL_LENGTH, M, SPACES_IN_CELL, dateOf, eachHour, leadBucket, noticeBucket, roundCell, type Cell } from './domain/cells.js';
import { DAY_MS, HOUR_MS, bucketEnd, localHourStart, nextDate } from './domain/local-time.js';

export const LOCATIONS = 'analytics_locations';
export const SPACES = 'analytics_spaces';
export const DAYS = 'analytics_days';
export const LOCATION_DAYS = 'analytics_location_days';

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
  /** The first and last local dates it has cells on (a move to another floor or zone moves them). */
  firstDate?: string;
  lastDate?: string;
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

/**
 * The cells of one location's local date summed per atom — the spaces sharing a floor, zone and
 * kind — so a floor's month or the suppression over a location reads 31 small documents, not
 * every space's. Each cell holds the measures and, last, how many spaces have a cell there.
 */
export interface LocationDayDocument {
  id: string;
  date: string;
  atoms: Array<{ floor: string | null; zone: string | null; kind: string; cells: Record<string, Cell> }>;
}

export const locationDocId = (tenantId: string, locationId: string) => `${tenantId}:${locationId}`;
export const spaceDocId = (tenantId: string, spaceId: string) => `${tenantId}:${spaceId}`;
export const locationDayDocId = (tenantId: string, locationId: string, date: string) => `${tenantId}:${locationId}:${date}`;
export const dayDocId = (tenantId: string, spaceId: string, date: string) => `${tenantId}:${spaceId}:${date}`;

/** A check-in may come this long before its booking starts. */
const CHECK_IN_EARLY_MS = HOUR_MS;

// Only these fields are read: never `bookedBy` or `subject` (sealed personal data).
interface Times {
  spaceId: string;
  start: number;
  end: number;
}
type TimedBookingEvent = TypedEnvelope<'BookingConfirmed' | 'BookingCancelled' | 'BookingReleasedAsNoShow' | 'BookingRescheduled'>;
const timesOf = ({ data }: TimedBookingEvent): Times => ({ spaceId: data.spaceId, start: Date.parse(data.start), end: Date.parse(data.end) });

/** The cells of one booking's space, and of its atom in the location's day, written back once the handler is done. */
class SpaceCells {
  private readonly days = new Map<string, DayDocument>();
  private readonly locationDays = new Map<string, LocationDayDocument>();
  private readonly ownAtom = new Map<string, Record<string, Cell>>();
  private spaceChanged = false;

  constructor(
    private readonly tx: ProjectionTx,
    private readonly location: LocationDocument,
    private space: SpaceDocument,
  ) {}

  private day(ms: number): DayDocument {
    const date = dateOf(this.location.timezone, ms);
    let day = this.days.get(date);
    if (!day) {
      const id = dayDocId(this.location.tenantId, this.space.spaceId, date);
      day = this.tx.get<DayDocument>(DAYS, id);
      if (!day) {
        day = { id, date, cells: {} };
        this.noteDate(date);
      }
      this.days.set(date, day);
    }
    return day;
  }

  private noteDate(date: string): void {
    const { firstDate, lastDate } = this.space;
    if (firstDate !== undefined && lastDate !== undefined && firstDate <= date && date <= lastDate) return;
    this.space = {
      ...this.space,
      firstDate: firstDate === undefined || date < firstDate ? date : firstDate,
      lastDate: lastDate === undefined || date > lastDate ? date : lastDate,
    };
    this.spaceChanged = true;
  }

  private atomCells(date: string, space: Pick<SpaceDocument, 'floor' | 'zone' | 'kind'>): Record<string, Cell> {
    const id = locationDayDocId(this.location.tenantId, this.location.locationId, date);
    let day = this.locationDays.get(id);
    if (!day) {
      day = this.tx.get<LocationDayDocument>(LOCATION_DAYS, id) ?? { id, date, atoms: [] };
      this.locationDays.set(id, day);
    }
    let atom = day.atoms.find((candidate) => candidate.floor === space.floor && candidate.zone === space.zone && candidate.kind === space.kind);
    if (!atom) day.atoms.push((atom = { floor: space.floor, zone: space.zone, kind: space.kind, cells: {} }));
    return atom.cells;
  }

  slot(start: number): Slot | undefined {
    return this.day(start).starts?.[String(start)];
  }

  setSlot(start: number, slot: Slot | undefined): void {
    const starts = (this.day(start).starts ??= {});
    if (slot) starts[String(start)] = slot;
    else delete starts[String(start)];
  }

  /** The live slot a check-in at `at` without times belongs to: it runs then, or starts within the hour. */
  slotFor(at: number): { start: number; slot: Slot } | undefined {
    const candidates = [this.day(at - DAY_MS), this.day(at), this.day(at + HOUR_MS)].flatMap((day) =>
      Object.entries(day.starts ?? {}).map(([start, slot]) => ({ start: Number(start), slot })),
    );
    return candidates
      .filter(({ start, slot }) => slot.checkedInAt === null && start - CHECK_IN_EARLY_MS <= at && at < slot.end)
      .sort((a, b) => Math.abs(a.start - at) - Math.abs(b.start - at))[0];
  }

  add(hour: number, index: number, amount: number): void {
    const day = this.day(hour);
    const key = String(hour);
    let cell = day.cells[key];
    let atom = this.ownAtom.get(day.date);
    if (!atom) this.ownAtom.set(day.date, (atom = this.atomCells(day.date, this.space)));
    let atomCell = atom[key];
    if (!atomCell) atom[key] = atomCell = new Array<number>(ATOM_CELL_LENGTH).fill(0);
    if (!cell) {
      day.cells[key] = cell = new Array<number>(CELL_LENGTH).fill(0);
      atomCell[SPACES_IN_CELL]! += 1;
    }
    cell[index] = roundCell(cell[index]! + amount);
    atomCell[index] = roundCell(atomCell[index]! + amount);
  }

  /** `minutes(hour, overlap)` for every hour of [from, to). */
  addMinutes(from: number, to: number, index: number, sign: 1 | -1): void {
    eachHour(this.location.timezone, from, to, (hour, minutes) => this.add(hour, index, sign * minutes));
  }

  addPerHour(from: number, to: number, index: number, sign: 1 | -1): void {
    eachHour(this.location.timezone, from, to, (hour) => this.add(hour, index, sign));
  }

  hourOf(ms: number): number {
    return localHourStart(this.location.timezone, ms);
  }

  /** The first hour that starts at or after `ms`. */
  hourFrom(ms: number): number {
    const hour = this.hourOf(ms);
    return hour === ms ? hour : bucketEnd(this.location.timezone, hour, 'hour');
  }

  /**
   * The space moves to another floor or zone: its cells move from its old atom to its new one in
   * every day it has, so the atoms stay the sums of their spaces as they are now.
   */
  moveTo(place: { floor: string | null; zone: string | null }): void {
    const { firstDate, lastDate } = this.space;
    const moved = { ...this.space, ...place };
    for (let date = firstDate; date !== undefined && lastDate !== undefined && date <= lastDate; date = nextDate(date)) {
      const day = this.tx.get<DayDocument>(DAYS, dayDocId(this.location.tenantId, this.space.spaceId, date));
      if (!day) continue;
      const from = this.atomCells(date, this.space);
      const to = this.atomCells(date, moved);
      for (const [hour, cell] of Object.entries(day.cells)) {
        const source = (from[hour] ??= new Array<number>(ATOM_CELL_LENGTH).fill(0));
        const target = (to[hour] ??= new Array<number>(ATOM_CELL_LENGTH).fill(0));
        cell.forEach((value, index) => {
          source[index] = roundCell(source[index]! - value);
          target[index] = roundCell(target[index]! + value);
        });
        source[SPACES_IN_CELL]! -= 1;
        target[SPACES_IN_CELL]! += 1;
      }
    }
    this.space = moved;
    this.ownAtom.clear();
    this.spaceChanged = true;
  }

  flush(): void {
    for (const day of this.days.values()) this.tx.put(DAYS, day.id, day);
    for (const day of this.locationDays.values()) this.tx.put(LOCATION_DAYS, day.id, day);
    if (this.spaceChanged) this.tx.put(SPACES, this.space.id, this.space);
  }
}

function withSpace(
  event: TypedEnvelope<'BookingConfirmed' | 'BookingCheckedIn' | 'BookingCancelled' | 'BookingReleasedAsNoShow' | 'BookingRescheduled'>,
  tx: ProjectionTx,
  change: (cells: SpaceCells) => void,
  spaceId = event.data.spaceId,
): void {
  const space = tx.get<SpaceDocument>(SPACES, spaceDocId(event.tenantId, spaceId));
  if (!space?.locationId) return;
  const location = tx.get<LocationDocument>(LOCATIONS, locationDocId(event.tenantId, space.locationId));
  if (!location) return;
  const cells = new SpaceCells(tx, location, space);
  change(cells);
  cells.flush();
}

/** A cancellation or no-show of a booking the cells hold (the same space, start and end); others are ignored. */
function withLiveBooking(
  event: TypedEnvelope<'BookingCancelled' | 'BookingReleasedAsNoShow'>,
  tx: ProjectionTx,
  change: (cells: SpaceCells, times: Times, at: number, slot: Slot) => void,
): void {
  withSpace(event, tx, (cells) => {
    const times = timesOf(event);
    const slot = cells.slot(times.start);
    if (slot && slot.end === times.end) change(cells, times, Date.parse(event.occurredAt), slot);
  });
}

/** The part [from, end) of a live booking stops counting: cancelled, or released as a no-show at `from`. */
function stopAt(cells: SpaceCells, slot: Slot, times: Times, from: number): void {
  const cut = Math.max(from, times.start);
  if (cut >= times.end) return;
  cells.addMinutes(cut, times.end, M.bookedMinutes, -1);
  if (slot.checkedInAt !== null) cells.addMinutes(Math.max(cut, slot.checkedInAt), times.end, M.checkedInMinutes, -1);
}

/** A booking counts from its confirmation: its minutes, the hours it touches, its start and lead time (from `at`). */
function confirm(cells: SpaceCells, times: Pick<Times, 'start' | 'end'>, at: number): void {
  if (cells.slot(times.start)) return;
  cells.addMinutes(times.start, times.end, M.bookedMinutes, 1);
  cells.addPerHour(times.start, times.end, M.touching, 1);
  const startHour = cells.hourOf(times.start);
  cells.add(startHour, M.started, 1);
  const lead = leadBucket(times.start - at);
  cells.add(startHour, M.lead + lead, 1);
  cells.setSlot(times.start, { end: times.end, lead, checkedInAt: null });
}

/**
 * Booking's events folded into anonymous cells per space and local hour (ADR 0015). Idempotent by
 * event id (the runner); a rebuild from booking's store yields the same documents.
 */
export const analyticsProjection: ProjectionDefinition = {
  name: 'analytics_utilization',
  collections: [LOCATIONS, SPACES, DAYS, LOCATION_DAYS],
  rebuildInMemory: true,
  handlers: {
    LocationCreated: (event, tx) => {
      const { locationId, timezone, bookableWeekdays } = event.data;
      const id = locationDocId(event.tenantId, locationId);
      tx.put(LOCATIONS, id, { id, tenantId: event.tenantId, locationId, timezone, bookableWeekdays } satisfies LocationDocument);
    },
    LocationUpdated: (event, tx) => {
      const { locationId, timezone, bookableWeekdays } = event.data;
      const id = locationDocId(event.tenantId, locationId);
      const doc = tx.get<LocationDocument>(LOCATIONS, id);
      if (doc) tx.put(LOCATIONS, id, { ...doc, ...(timezone ? { timezone } : {}), ...(bookableWeekdays ? { bookableWeekdays } : {}) });
    },
    SpaceCreated: (event, tx) => {
      const { spaceId, locationId, kind, floor, zone } = event.data;
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
      const { spaceId, floor, zone } = event.data;
      const id = spaceDocId(event.tenantId, spaceId);
      const doc = tx.get<SpaceDocument>(SPACES, id);
      if (!doc) return;
      const place = { floor: floor !== undefined ? floor : doc.floor, zone: zone !== undefined ? zone : doc.zone };
      if (place.floor === doc.floor && place.zone === doc.zone) return;
      const location = doc.locationId ? tx.get<LocationDocument>(LOCATIONS, locationDocId(event.tenantId, doc.locationId)) : undefined;
      if (!location) return tx.put(SPACES, id, { ...doc, ...place });
      const cells = new SpaceCells(tx, location, doc);
      cells.moveTo(place);
      cells.flush();
    },
    SpaceDisabled: (event, tx) => {
      const id = spaceDocId(event.tenantId, event.data.spaceId);
      const doc = tx.get<SpaceDocument>(SPACES, id);
      if (doc && doc.disabledAt === null) tx.put(SPACES, id, { ...doc, disabledAt: Date.parse(event.occurredAt) });
    },
    BookingConfirmed: (event, tx) => withSpace(event, tx, (cells) => confirm(cells, timesOf(event), Date.parse(event.occurredAt))),
    // Editing a booking
    BookingRescheduled: (event, tx) => {
      // Only a booking that has not started moves: it leaves its old hours as if never booked (no
      // cancellation counts), and counts where it moved as if booked then.
      const { spaceId, previousSpaceId, previousStart, previousEnd } = event.data;
      const previous = { start: Date.parse(previousStart), end: Date.parse(previousEnd) };
      withSpace(
        event,
        tx,
        (cells) => {
          const slot = cells.slot(previous.start);
          if (slot?.end !== previous.end) return;
          cells.addMinutes(previous.start, previous.end, M.bookedMinutes, -1);
          cells.addPerHour(previous.start, previous.end, M.touching, -1);
          const startHour = cells.hourOf(previous.start);
          cells.add(startHour, M.started, -1);
          cells.add(startHour, M.lead + slot.lead, -1);
          cells.setSlot(previous.start, undefined);
        },
        previousSpaceId ?? spaceId,
      );
      withSpace(event, tx, (cells) => confirm(cells, timesOf(event), Date.parse(event.occurredAt)));
    },
    // End of: Editing a booking
    BookingCheckedIn: (event, tx) =>
      withSpace(event, tx, (cells) => {
        const at = Date.parse(event.occurredAt);
        const { start, end } = event.data;
        // Events of before `start`/`end` were added: the nearest live slot of the space.
        const found = start !== undefined && end !== undefined ? { start: Date.parse(start), slot: cells.slot(Date.parse(start)) } : cells.slotFor(at);
        if (!found?.slot || found.slot.checkedInAt !== null) return;
        cells.setSlot(found.start, { ...found.slot, checkedInAt: at });
        cells.addMinutes(Math.max(at, found.start), found.slot.end, M.checkedInMinutes, 1);
      }),
    BookingCancelled: (event, tx) =>
      withLiveBooking(event, tx, (cells, times, at, slot) => {
        stopAt(cells, slot, times, at);
        const startHour = cells.hourOf(times.start);
        if (at <= times.start) {
          // Never happened: it leaves the hours it would have touched, and counts as a cancellation.
          cells.addPerHour(times.start, times.end, M.touching, -1);
          cells.add(startHour, M.started, -1);
          cells.add(startHour, M.lead + slot.lead, -1);
        } else {
          // Started: the hours from the cancellation on no longer see it.
          cells.addPerHour(cells.hourFrom(at), times.end, M.touching, -1);
        }
        // An erasure cancels the person's future bookings: the hours are free again, but nobody cancelled.
        if (event.data.reason !== 'erasure') {
          cells.add(startHour, M.cancellations, 1);
          cells.add(startHour, M.notice + noticeBucket(times.start - at), 1);
        }
        cells.setSlot(times.start, undefined);
      }),
    BookingReleasedAsNoShow: (event, tx) =>
      withLiveBooking(event, tx, (cells, times, at, slot) => {
        stopAt(cells, slot, times, at);
        cells.add(cells.hourOf(times.start), M.noShows, 1);
        cells.setSlot(times.start, { ...slot, end: Math.max(times.start, at) });
      }),
  },
};
