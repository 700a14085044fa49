/**
 * Wall-clock facts of an instant in an IANA zone, with Intl only. Calendar dates are handled as
 * `YYYY-MM-DD` strings and stepped with UTC arithmetic, so a 23- or 25-hour local day (DST) is
 * still exactly one date.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

const toMillis = (instant: string | number): number => (typeof instant === 'number' ? instant : Date.parse(instant));

/**
 * Recent answers of `localDateTime`, by zone and instant: bookings start and end at a few popular
 * times, and `formatToParts` is by far the dearest step of deciding one. Bounded; oldest first out.
 */
const recent = new Map<string, string>();
const RECENT_MAX = 4096;

/** The local date and time (`YYYY-MM-DDTHH:mm`) an instant shows on a wall clock in `zone`. */
export function localDateTime(instant: string | number, zone: string): string {
  const millis = toMillis(instant);
  const key = `${zone} ${millis}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const parts: Record<string, string> = {};
  for (const { type, value } of formatter(zone).formatToParts(millis)) parts[type] = value;
  const local = `${parts.year!.padStart(4, '0')}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, local);
  return local;
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in `zone`. */
export const localDate = (instant: string | number, zone: string): string => localDateTime(instant, zone).slice(0, 10);

/** ISO weekday (Monday = 1 … Sunday = 7) of a calendar date. */
export function weekdayOfDate(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** ISO weekday of an instant as seen in `zone`. */
export const isoWeekday = (instant: string | number, zone: string): number => weekdayOfDate(localDate(instant, zone));

export function nextDate(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * The local dates the half-open interval [start, end) touches in `zone`: an interval ending exactly
 * at local midnight does not touch the next day. An empty interval touches its start date.
 */
export function localDays(start: string | number, end: string | number, zone: string): string[] {
  const from = toMillis(start);
  const last = localDate(Math.max(from, toMillis(end) - 1), zone);
  const days = [localDate(from, zone)];
  while (days[days.length - 1]! < last) days.push(nextDate(days[days.length - 1]!));
  return days;
}
