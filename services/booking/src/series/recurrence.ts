import { BOOKING_HARD_LIMITS, MAX_SERIES_OCCURRENCES, type DomainError, type Recurrence } from '@plass/contracts';
import { validationFailed } from '../rules/booking-decision.js';
import type { Interval } from '../rules/intervals.js';
import { localDateTime, weekdayOfDate } from '../rules/local-time.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const belowMinute = (ms: number): number => ((ms % MINUTE) + MINUTE) % MINUTE;

/** How far ahead of the wall clock `zone` is at an instant (ms). */
const offsetAt = (at: number, zone: string): number => Date.parse(`${localDateTime(at, zone)}:00Z`) - (at - belowMinute(at));

/**
 * The instant a wall clock in `zone` shows `local` (`YYYY-MM-DDTHH:mm`). A time shown twice (the
 * autumn change) is the first of the two; a time never shown (the spring gap) is read with the
 * offset before the change, so 02:30 on the spring day in Berlin is 03:30 summer time.
 */
export function instantOf(local: string, zone: string): number {
  const wall = Date.parse(`${local}:00Z`);
  // A day either side brackets any single change of offset.
  const before = wall - offsetAt(wall - DAY, zone);
  const after = wall - offsetAt(wall + DAY, zone);
  const shown = [before, after].filter((at) => localDateTime(at, zone) === local).sort((a, b) => a - b);
  return shown[0] ?? before;
}

export interface SeriesRequest {
  /** The first occurrence, as instants; every other keeps its wall-clock times in `zone`. */
  start: string;
  end: string;
  recurrence: Recurrence;
  /** The location's IANA zone (`UTC` for a space without a location). */
  zone: string;
}

export type Expansion = { ok: true; occurrences: Interval[] } | { ok: false; error: DomainError };

/**
 * The occurrences of a series, in order, as UTC instants: the local dates from the start's date on
 * that the recurrence names (the start itself only if it matches `byWeekday`), each at the start's
 * and end's wall-clock times, so 09:00–17:00 stays 09:00–17:00 local across a DST change. Weeks
 * run Monday to Sunday and are counted from the start's week for `interval`. At most
 * `MAX_SERIES_OCCURRENCES`, and none further than any booking may start
 * (`BOOKING_HARD_LIMITS.maxDaysInAdvance` after the first), which bounds the walk over dates.
 */
export function expandRecurrence({ start, end, recurrence, zone }: SeriesRequest): Expansion {
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  if (Number.isNaN(startMs)) return { ok: false, error: validationFailed('start', 'must be a timestamp') };
  if (!(endMs > startMs)) return { ok: false, error: validationFailed('end', 'must be after start') };
  if ((recurrence.until === undefined) === (recurrence.count === undefined)) {
    return { ok: false, error: validationFailed('recurrence.until', 'name exactly one of until and count') };
  }
  const until = recurrence.until === undefined ? undefined : Date.parse(recurrence.until);
  if (until !== undefined && !(until >= startMs)) return { ok: false, error: validationFailed('recurrence.until', 'must not be before start') };
  if (recurrence.count !== undefined && !(Number.isInteger(recurrence.count) && recurrence.count >= 1 && recurrence.count <= MAX_SERIES_OCCURRENCES)) {
    return { ok: false, error: validationFailed('recurrence.count', `must be 1 to ${MAX_SERIES_OCCURRENCES}`) };
  }
  const interval = recurrence.interval ?? 1;
  if (!(Number.isInteger(interval) && interval >= 1)) return { ok: false, error: validationFailed('recurrence.interval', 'must be a positive integer') };

  const first = localDateTime(startMs, zone);
  const last = localDateTime(endMs, zone);
  const firstDate = first.slice(0, 10);
  const [startTime, endTime] = [first.slice(11), last.slice(11)];
  const endDays = daysBetween(firstDate, last.slice(0, 10));
  const weekly = recurrence.frequency === 'weekly';
  const weekdays = recurrence.byWeekday ?? (weekly ? [weekdayOfDate(firstDate)] : undefined);
  const firstMonday = addDays(firstDate, 1 - weekdayOfDate(firstDate));

  const occurrences: Interval[] = [];
  for (let offset = 0; offset <= BOOKING_HARD_LIMITS.maxDaysInAdvance; offset++) {
    const date = addDays(firstDate, offset);
    const step = weekly ? Math.floor(daysBetween(firstMonday, date) / 7) : offset;
    if (step % interval !== 0) continue;
    if (weekdays && !weekdays.includes(weekdayOfDate(date))) continue;
    const at = instantOf(`${date}T${startTime}`, zone) + belowMinute(startMs);
    if (until !== undefined && at > until) break;
    if (occurrences.length === MAX_SERIES_OCCURRENCES) {
      return { ok: false, error: validationFailed('recurrence.until', `a series has at most ${MAX_SERIES_OCCURRENCES} occurrences`) };
    }
    const to = instantOf(`${addDays(date, endDays)}T${endTime}`, zone) + belowMinute(endMs);
    occurrences.push({ start: new Date(at).toISOString(), end: new Date(to).toISOString() });
    if (occurrences.length === recurrence.count) break;
  }
  if (occurrences.length === 0) return { ok: false, error: validationFailed('recurrence', 'the series has no occurrence') };
  if (recurrence.count !== undefined && occurrences.length < recurrence.count) {
    return { ok: false, error: validationFailed('recurrence.count', `the series would reach beyond ${BOOKING_HARD_LIMITS.maxDaysInAdvance} days`) };
  }
  return { ok: true, occurrences };
}
