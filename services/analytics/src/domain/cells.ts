import { DAY_MS, HOUR_MS, MINUTE_MS, bucketEnd, localHourStart, localParts } from './local-time.js';

/**
 * The measures of one space in one local hour, as a fixed-length array (millions of them are
 * stored). What a booking contributes depends only on its space and times, never on who booked it.
 */
export const M = {
  bookedMinutes: 0,
  checkedInMinutes: 1,
  /** Bookings overlapping the hour. */
  touching: 2,
  /** Bookings starting in the hour (not cancelled before their start). */
  started: 3,
  /** Cancelled bookings, counted at the hour they would have started. */
  cancellations: 4,
  /** Released as no-shows, counted at their start hour. */
  noShows: 5,
  /** Lead time, booking made → start: <1 h, 1–24 h, 1–7 d, 7–30 d, >30 d. */
  lead: 6,
  /** Cancellation notice, cancelled → start: <1 h (or after start), 1–24 h, 1–7 d, >7 d. */
  notice: 11,
} as const;
export const CELL_LENGTH = 15;
/** An atom's cell (the sum of its spaces') carries one more number: how many of its spaces have a cell in the hour. */
export const SPACES_IN_CELL = CELL_LENGTH;
export const ATOM_CELL_LENGTH = CELL_LENGTH + 1;
/** Measures are kept to a thousandth of a minute, so sums in any order come out the same. */
export const roundCell = (value: number) => Math.round(value * 1000) / 1000;
export type Cell = number[];

export const LEAD_BUCKETS = ['lt1h', 'lt24h', 'lt7d', 'lt30d', 'ge30d'] as const;
export const NOTICE_BUCKETS = ['lt1h', 'lt24h', 'lt7d', 'ge7d'] as const;

export function leadBucket(ms: number): number {
  if (ms < HOUR_MS) return 0;
  if (ms < DAY_MS) return 1;
  if (ms < 7 * DAY_MS) return 2;
  if (ms < 30 * DAY_MS) return 3;
  return 4;
}

export function noticeBucket(ms: number): number {
  if (ms < HOUR_MS) return 0;
  if (ms < DAY_MS) return 1;
  if (ms < 7 * DAY_MS) return 2;
  return 3;
}

/** Calls `each(hourStart, minutes)` for every local hour [from, to) overlaps. */
export function eachHour(zone: string, from: number, to: number, each: (hour: number, minutes: number) => void): void {
  for (let hour = localHourStart(zone, from); hour < to;) {
    const next = bucketEnd(zone, hour, 'hour');
    const minutes = (Math.min(next, to) - Math.max(hour, from)) / MINUTE_MS;
    if (minutes > 0) each(hour, minutes);
    hour = next;
  }
}

const dates = new Map<string, Map<number, string>>();

/** The local date of an instant; cached per zone and half hour, as the offsets are (a rebuild asks millions of times). */
export function dateOf(zone: string, ms: number): string {
  const half = Math.floor(ms / (HOUR_MS / 2));
  let byHalf = dates.get(zone);
  if (!byHalf) dates.set(zone, (byHalf = new Map<number, string>()));
  let date = byHalf.get(half);
  if (date === undefined) byHalf.set(half, (date = localParts(zone, half * (HOUR_MS / 2)).date));
  return date;
}
