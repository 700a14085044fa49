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

/** A change to the cells of one location: `add(date, key, index, amount)`. */
export type CellWriter = (date: string, hour: number, index: number, amount: number) => void;

/** Calls `each(hourStart, minutes)` for every local hour [from, to) overlaps. */
export function eachHour(zone: string, from: number, to: number, each: (hour: number, minutes: number) => void): void {
  for (let hour = localHourStart(zone, from); hour < to; ) {
    const next = bucketEnd(zone, hour, 'hour');
    const minutes = (Math.min(next, to) - Math.max(hour, from)) / MINUTE_MS;
    if (minutes > 0) each(hour, minutes);
    hour = next;
  }
}

export const dateOf = (zone: string, hour: number) => localParts(zone, hour).date;
