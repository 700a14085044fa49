import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@plass/contracts';

/**
 * A month of bookings in three time zones — Berlin and New York each change their clocks inside
 * it, Kolkata is 5:30 ahead — with cancellations, check-ins and no-shows, as booking's events and
 * as the raw facts an independent expectation is computed from.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SEEDED_FROM = Date.parse('2026-10-12T00:00:00Z');
export const SEEDED_TO = Date.parse('2026-11-12T00:00:00Z');

export interface SeededLocation {
  locationId: string;
  timezone: string;
  bookableWeekdays: number[];
}

export interface SeededSpace {
  spaceId: string;
  locationId: string;
  kind: 'desk' | 'room' | 'parking';
  floor: string;
  zone: string;
}

export interface SeededBooking {
  bookingId: string;
  spaceId: string;
  bookedBy: string;
  start: number;
  end: number;
  confirmedAt: number;
  cancelledAt: number | null;
  checkedInAt: number | null;
  releasedAt: number | null;
}

export interface SeededMonth {
  tenantId: string;
  locations: SeededLocation[];
  spaces: SeededSpace[];
  people: string[];
  bookings: SeededBooking[];
  /** When the places were made: before the month. */
  placesAt: number;
}

/** mulberry32: the same month for the same seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The instant of a local wall-clock time, found by asking Intl (independent of the code under test). */
const wallFormats = new Map<string, Intl.DateTimeFormat>();
export function instantOf(zone: string, date: string, minutes: number): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE;
  let format = wallFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    wallFormats.set(zone, format);
  }
  let guess = wall;
  for (let i = 0; i < 3; i += 1) {
    const parts = Object.fromEntries(format.formatToParts(new Date(guess)).map((part) => [part.type, part.value]));
    const seen = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    guess += wall - seen;
  }
  return guess;
}

export function seededMonth(seed = 7, { people = 40, tenantId = randomUUID(), personIds }: { people?: number; tenantId?: string; personIds?: string[] } = {}): SeededMonth {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const locations: SeededLocation[] = [
    { locationId: randomUUID(), timezone: 'Europe/Berlin', bookableWeekdays: [1, 2, 3, 4, 5] },
    { locationId: randomUUID(), timezone: 'America/New_York', bookableWeekdays: [1, 2, 3, 4, 5, 6] },
    { locationId: randomUUID(), timezone: 'Asia/Kolkata', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] },
  ];
  const spaces: SeededSpace[] = locations.flatMap((location) =>
    (['1', '2'] as const).flatMap((floor) =>
      (['A', 'B'] as const).flatMap((zone) =>
        (['desk', 'desk', 'room', 'parking'] as const).map((kind) => ({ spaceId: randomUUID(), locationId: location.locationId, kind, floor, zone })),
      ),
    ),
  );
  const persons = personIds ?? Array.from({ length: people }, () => randomUUID());
  const bookings: SeededBooking[] = [];
  for (const space of spaces) {
    const zone = locations.find((location) => location.locationId === space.locationId)!.timezone;
    for (let day = SEEDED_FROM - DAY; day < SEEDED_TO + DAY; day += DAY) {
      const date = new Date(day).toISOString().slice(0, 10);
      let minute = 6 * 60 + Math.floor(random() * 8) * 15;
      while (minute < 19 * 60 && random() < 0.75) {
        const length = 30 + Math.floor(random() * 16) * 15;
        const start = instantOf(zone, date, minute);
        const end = start + length * MINUTE;
        const confirmedAt = start - Math.floor(random() * 40 * random()) * DAY - Math.floor(random() * 20) * MINUTE;
        const fate = random();
        const cancelledAt = fate < 0.15 ? confirmedAt + Math.floor((start - confirmedAt) * random()) : null;
        const checkedInAt = cancelledAt === null && fate < 0.7 ? Math.max(Math.ceil(confirmedAt / MINUTE) * MINUTE, start + Math.floor(random() * 30 - 10) * MINUTE) : null;
        const releasedAt = cancelledAt === null && checkedInAt === null && fate < 0.85 ? start + 15 * MINUTE : null;
        bookings.push({ bookingId: randomUUID(), spaceId: space.spaceId, bookedBy: pick(persons), start, end, confirmedAt, cancelledAt, checkedInAt, releasedAt });
        minute += length + Math.floor(random() * 6) * 15;
      }
    }
  }
  return { tenantId, locations, spaces, people: persons, bookings, placesAt: SEEDED_FROM - 60 * DAY };
}

type Draft = Omit<EventEnvelope, 'id' | 'schemaVersion' | 'tenantId' | 'context' | 'correlationId' | 'causationId'>;

/** Booking's events of the month, in the order they happened. `sealed` stands in for the encrypted booker. */
export function seededEvents(
  month: SeededMonth,
  sealed: (booking: SeededBooking) => unknown = () => ({ $enc: 'A256GCM', kid: 'booking-key', iv: 'aXY', ct: 'Y2lwaGVydGV4dA' }),
  streams: { location: (id: string) => string; space: (id: string) => string } = { location: (id) => `location-${id}`, space: (id) => `space-${id}` },
): EventEnvelope[] {
  const at = (ms: number) => new Date(ms).toISOString();
  const drafts: Array<Draft & { ms: number }> = [];
  for (const location of month.locations) {
    drafts.push({
      ms: month.placesAt,
      type: 'LocationCreated',
      streamId: streams.location(location.locationId),
      occurredAt: at(month.placesAt),
      data: { ...location, name: 'Office' },
    });
  }
  for (const space of month.spaces) {
    const ms = month.placesAt + 1000;
    drafts.push({ ms, type: 'SpaceCreated', streamId: streams.space(space.spaceId), occurredAt: at(ms), data: { ...space, name: 'Space' } });
  }
  for (const booking of month.bookings) {
    const times = { bookingId: booking.bookingId, spaceId: booking.spaceId, start: at(booking.start), end: at(booking.end) };
    const kind = month.spaces.find((space) => space.spaceId === booking.spaceId)!.kind;
    const streamId = streams.space(booking.spaceId);
    drafts.push({ ms: booking.confirmedAt, type: 'BookingConfirmed', streamId, occurredAt: at(booking.confirmedAt), data: { ...times, kind, bookedBy: sealed(booking) } });
    if (booking.cancelledAt !== null) drafts.push({ ms: booking.cancelledAt, type: 'BookingCancelled', streamId, occurredAt: at(booking.cancelledAt), data: times });
    if (booking.checkedInAt !== null) {
      drafts.push({ ms: booking.checkedInAt, type: 'BookingCheckedIn', streamId, occurredAt: at(booking.checkedInAt), data: { ...times } });
    }
    if (booking.releasedAt !== null) drafts.push({ ms: booking.releasedAt, type: 'BookingReleasedAsNoShow', streamId, occurredAt: at(booking.releasedAt), data: times });
  }
  // Stable: a confirmation and its check-in at the same instant keep their order.
  drafts.sort((a, b) => a.ms - b.ms);
  return drafts.map(({ ms: _ms, ...draft }) => ({
    ...draft,
    id: randomUUID(),
    schemaVersion: 1,
    tenantId: month.tenantId,
    context: 'booking',
    correlationId: randomUUID(),
    causationId: null,
  }));
}

export interface Expected {
  bookedMinutes: number;
  checkedInMinutes: number;
  bookings: number;
  cancellations: number;
  noShows: number;
}

/**
 * Minute by minute, with Intl: what each space held in each local hour —
 * key `<spaceId>|<local date>|<local hour>|<UTC offset>` (the offset tells the two 02:00 hours of an
 * autumn night apart).
 */
export function expectedBySpaceHour(month: SeededMonth): { expected: Map<string, Expected>; keyOf: (spaceId: string, ms: number) => string } {
  const expected = new Map<string, Expected>();
  const zoneOf = new Map(month.spaces.map((space) => [space.spaceId, month.locations.find((location) => location.locationId === space.locationId)!.timezone]));
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const keyOf = (spaceId: string, ms: number) => {
    const zone = zoneOf.get(spaceId)!;
    let format = formatters.get(zone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        timeZoneName: 'longOffset',
      });
      formatters.set(zone, format);
    }
    const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
    return `${spaceId}|${parts.year}-${parts.month}-${parts.day}|${parts.hour}|${parts.timeZoneName}`;
  };
  const entry = (key: string) => {
    let found = expected.get(key);
    if (!found) expected.set(key, (found = { bookedMinutes: 0, checkedInMinutes: 0, bookings: 0, cancellations: 0, noShows: 0 }));
    return found;
  };
  for (const booking of month.bookings) {
    const never = booking.cancelledAt !== null && booking.cancelledAt <= booking.start;
    const stop = booking.cancelledAt ?? booking.releasedAt ?? booking.end;
    for (let minute = booking.start; minute < booking.end; minute += MINUTE) {
      const key = keyOf(booking.spaceId, minute);
      if (!never && minute < Math.max(stop, booking.start)) entry(key).bookedMinutes += 1;
      if (booking.checkedInAt !== null && minute >= booking.checkedInAt && minute < stop) entry(key).checkedInMinutes += 1;
    }
    const startKey = keyOf(booking.spaceId, booking.start);
    if (!never) entry(startKey).bookings += 1;
    if (booking.cancelledAt !== null) entry(startKey).cancellations += 1;
    if (booking.releasedAt !== null) entry(startKey).noShows += 1;
  }
  return { expected, keyOf };
}
