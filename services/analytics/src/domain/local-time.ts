/**
 * Wall-clock arithmetic in a location's IANA time zone, with the offset of every UTC hour cached:
 * statistics are per local hour, and a year of bookings asks for the same few thousand hours
 * millions of times. Local hours are assumed to start on whole or half UTC hours, as every zone in
 * use today does; the offset is taken at each instant, so 23- and 25-hour days come out right.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** The zone's offset from UTC at `ms`, in ms (Oslo in winter: +3,600,000). */
export function offsetAt(zone: string, ms: number): number {
  const hour = Math.floor(ms / (HOUR_MS / 2));
  let byHour = offsets.get(zone);
  if (!byHour) {
    byHour = new Map();
    offsets.set(zone, byHour);
  }
  const cached = byHour.get(hour);
  if (cached !== undefined) return cached;
  const at = hour * (HOUR_MS / 2);
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  const offset = wall - at;
  byHour.set(hour, offset);
  return offset;
}

/** Local wall-clock fields of an instant. */
export function localParts(zone: string, ms: number): { date: string; hour: number; weekday: number } {
  const wall = new Date(ms + offsetAt(zone, ms));
  return { date: wall.toISOString().slice(0, 10), hour: wall.getUTCHours(), weekday: wall.getUTCDay() || 7 };
}

/** The first instant of the local hour containing `ms`. */
export function localHourStart(zone: string, ms: number): number {
  const offset = offsetAt(zone, ms);
  return Math.floor((ms + offset) / HOUR_MS) * HOUR_MS - offset;
}

/** The instant a local wall-clock time (ms since the epoch, read as if UTC) happens; the later one in a DST gap. */
export function fromWall(zone: string, wall: number): number {
  const guess = wall - offsetAt(zone, wall);
  const second = wall - offsetAt(zone, guess);
  return second;
}

/** Local midnight starting `date` (`YYYY-MM-DD`). */
export const localMidnight = (zone: string, date: string): number => fromWall(zone, Date.parse(`${date}T00:00:00Z`));

export const nextDate = (date: string, days = 1): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The local dates whose days overlap [from, to). */
export function localDates(zone: string, from: number, to: number): string[] {
  const dates: string[] = [];
  for (let date = localParts(zone, from).date; localMidnight(zone, date) < to; date = nextDate(date)) dates.push(date);
  return dates;
}

export type Granularity = 'hour' | 'day' | 'week' | 'month';

/** The first instant of the hour, local day, ISO week (Monday) or month containing `ms`. */
export function bucketStart(zone: string, ms: number, granularity: Granularity): number {
  if (granularity === 'hour') return localHourStart(zone, ms);
  const { date, weekday } = localParts(zone, ms);
  if (granularity === 'day') return localMidnight(zone, date);
  if (granularity === 'week') return localMidnight(zone, nextDate(date, 1 - weekday));
  return localMidnight(zone, `${date.slice(0, 7)}-01`);
}

/** The first instant of the bucket after the one starting at `start`. */
export function bucketEnd(zone: string, start: number, granularity: Granularity): number {
  if (granularity === 'hour') return localHourStart(zone, start + HOUR_MS + HOUR_MS / 2);
  const { date } = localParts(zone, start);
  if (granularity === 'day') return localMidnight(zone, nextDate(date));
  if (granularity === 'week') return localMidnight(zone, nextDate(date, 7));
  const [year, month] = date.split('-').map(Number) as [number, number];
  return localMidnight(zone, new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10));
}

/** Every local hour start in [from, to). */
export function localHours(zone: string, from: number, to: number): number[] {
  const hours: number[] = [];
  for (let hour = localHourStart(zone, from); hour < to; hour = bucketEnd(zone, hour, 'hour')) if (hour >= from) hours.push(hour);
  return hours;
}
