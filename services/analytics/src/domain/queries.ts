import { M, type Cell } from './cells.js';
import { HOUR_MS, bucketEnd, bucketStart, localHourStart, localParts, type Granularity } from './local-time.js';
import { suppress, suppressWithComplements } from './suppression.js';

/**
 * The analysts' questions, answered from the cells of the locations asked about (pure: the
 * service loads the documents). Hours count when they start in [from, to).
 */

export type GroupBy = 'location' | 'floor' | 'zone' | 'kind' | 'space';

export interface LocationInfo {
  locationId: string;
  timezone: string;
  bookableWeekdays: readonly number[];
}

export interface SpaceInfo {
  spaceId: string;
  locationId: string;
  kind: string;
  floor: string | null;
  zone: string | null;
  enabledFrom: number;
  disabledAt: number | null;
}

/** One location's cells over the range: `<spaceId>|<hour start ms>` → measures. */
export interface LocationCells {
  location: LocationInfo;
  spaces: readonly SpaceInfo[];
  cells: ReadonlyArray<readonly [string, Cell]>;
}

export interface Bucket {
  key: string;
  locationId: string;
  start: string;
  bookedMinutes: number | null;
  checkedInMinutes: number | null;
  capacityMinutes: number;
  occupancy: number | null;
  checkInRate: number | null;
  bookings: number | null;
  cancellations: number | null;
  noShows: number | null;
  noShowRate: number | null;
  suppressed: boolean;
}

interface Sums {
  booked: number;
  checkedIn: number;
  started: number;
  cancellations: number;
  noShows: number;
  /** Distinct bookings: those continuing into the bucket's first hour, those starting in it, the cancelled. */
  distinct: number;
}

const zero = (): Sums => ({ booked: 0, checkedIn: 0, started: 0, cancellations: 0, noShows: 0, distinct: 0 });

function addTo(sums: Sums, other: Sums): void {
  sums.booked += other.booked;
  sums.checkedIn += other.checkedIn;
  sums.started += other.started;
  sums.cancellations += other.cancellations;
  sums.noShows += other.noShows;
  sums.distinct += other.distinct;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
const round = (value: number) => Math.round(value * 1000) / 1000;

const atomOf = (space: SpaceInfo) => `${space.floor ?? ''}\u0000${space.zone ?? ''}\u0000${space.kind}`;

export function groupKey(space: SpaceInfo, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'location':
      return space.locationId;
    case 'floor':
      return `${space.locationId}/${space.floor ?? '-'}`;
    case 'zone':
      return `${space.locationId}/${space.zone ?? '-'}`;
    case 'kind':
      return space.kind;
    case 'space':
      return space.spaceId;
  }
}

const parseKey = (key: string): [string, number] => {
  const bar = key.indexOf('|');
  return [key.slice(0, bar), Number(key.slice(bar + 1))];
};

/** The bookable hours of a location in [from, to): its weekdays, local time. */
export function bookableHours(location: LocationInfo, from: number, to: number): number[] {
  const hours: number[] = [];
  for (let hour = localHourStart(location.timezone, from); hour < to; hour = bucketEnd(location.timezone, hour, 'hour')) {
    if (hour >= from && location.bookableWeekdays.includes(localParts(location.timezone, hour).weekday)) hours.push(hour);
  }
  return hours;
}

const enabledDuring = (space: SpaceInfo, hour: number) => space.enabledFrom < hour + HOUR_MS && (space.disabledAt === null || space.disabledAt > hour);

/** Per space and bucket: the sums of its cells, and its capacity. */
function spaceBuckets(data: LocationCells, from: number, to: number, granularity: Granularity) {
  const zone = data.location.timezone;
  const spaces = new Map(data.spaces.map((space) => [space.spaceId, space]));
  const sums = new Map<number, Map<string, Sums>>();
  const capacity = new Map<number, Map<string, number>>();
  const firstHour = localHourStart(zone, from) === from ? from : bucketEnd(zone, localHourStart(zone, from), 'hour');
  const of = <T>(map: Map<number, Map<string, T>>, start: number) => {
    let found = map.get(start);
    if (!found) map.set(start, (found = new Map()));
    return found;
  };
  for (const hour of bookableHours(data.location, from, to)) {
    const perSpace = of(capacity, bucketStart(zone, hour, granularity));
    for (const space of data.spaces) if (enabledDuring(space, hour)) perSpace.set(space.spaceId, (perSpace.get(space.spaceId) ?? 0) + 60);
  }
  for (const [key, cell] of data.cells) {
    const [spaceId, hour] = parseKey(key);
    if (hour < from || hour >= to || !spaces.has(spaceId)) continue;
    const start = bucketStart(zone, hour, granularity);
    const bucket = of(sums, start);
    const entry = bucket.get(spaceId) ?? zero();
    entry.booked += cell[M.bookedMinutes]!;
    entry.checkedIn += cell[M.checkedInMinutes]!;
    entry.started += cell[M.started]!;
    entry.cancellations += cell[M.cancellations]!;
    entry.noShows += cell[M.noShows]!;
    entry.distinct += cell[M.started]! + cell[M.cancellations]!;
    // Bookings that began before the bucket (or the range) count once, in its first hour.
    if (hour === Math.max(start, firstHour)) {
      entry.distinct += cell[M.touching]! - cell[M.started]!;
    }
    bucket.set(spaceId, entry);
  }
  return { sums, capacity };
}

/** Utilization buckets of one location, suppressed with complements (`suppression.ts`). */
export function utilizationOf(data: LocationCells, query: { from: number; to: number; groupBy: GroupBy; granularity: Granularity; k: number }): Bucket[] {
  const { sums, capacity } = spaceBuckets(data, query.from, query.to, query.granularity);
  const starts = [...new Set([...sums.keys(), ...capacity.keys()])].sort((a, b) => a - b);
  const buckets: Bucket[] = [];
  for (const start of starts) {
    const perSpace = sums.get(start) ?? new Map<string, Sums>();
    const capacities = capacity.get(start) ?? new Map<string, number>();
    const members = data.spaces.filter((space) => perSpace.has(space.spaceId) || capacities.has(space.spaceId));
    const suppression = suppress({
      k: query.k,
      spaces: members.map((space) => ({ spaceId: space.spaceId, atom: atomOf(space), distinct: perSpace.get(space.spaceId)?.distinct ?? 0 })),
    });
    const groups = new Map<string, { sums: Sums; capacity: number; atoms: Set<string>; spaces: string[] }>();
    for (const space of members) {
      const key = groupKey(space, query.groupBy);
      const group = groups.get(key) ?? { sums: zero(), capacity: 0, atoms: new Set<string>(), spaces: [] };
      const own = perSpace.get(space.spaceId);
      if (own) addTo(group.sums, own);
      group.capacity += capacities.get(space.spaceId) ?? 0;
      group.atoms.add(atomOf(space));
      group.spaces.push(space.spaceId);
      groups.set(key, group);
    }
    for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const suppressed =
        query.groupBy === 'space' ? suppression.spaces.has(group.spaces[0]!) : !suppression.publishes(group.atoms, group.sums.distinct);
      buckets.push(bucketView(key, data.location.locationId, start, group.sums, group.capacity, suppressed));
    }
  }
  return buckets;
}

function bucketView(key: string, locationId: string, start: number, sums: Sums, capacity: number, suppressed: boolean): Bucket {
  const hidden = <T>(value: T) => (suppressed ? null : value);
  return {
    key,
    locationId,
    start: new Date(start).toISOString(),
    bookedMinutes: hidden(round(sums.booked)),
    checkedInMinutes: hidden(round(sums.checkedIn)),
    capacityMinutes: capacity,
    occupancy: hidden(ratio(sums.booked, capacity)),
    checkInRate: hidden(ratio(sums.checkedIn, sums.booked)),
    bookings: hidden(sums.started),
    cancellations: hidden(sums.cancellations),
    noShows: hidden(sums.noShows),
    noShowRate: hidden(ratio(sums.noShows, sums.started)),
    suppressed,
  };
}

export interface HeatmapCellView {
  weekday: number;
  hour: number;
  bookedMinutes: number | null;
  capacityMinutes: number;
  occupancy: number | null;
  suppressed: boolean;
}

/**
 * Weekday × local hour over the range, for the location or one floor. Distinct bookings of a
 * cell are those touching any of its hours (a booking of over a week may count twice); cells under
 * k are suppressed with complements inside the matrix.
 */
export function heatmapOf(data: LocationCells, query: { from: number; to: number; floor?: string | undefined; k: number }): HeatmapCellView[] {
  const zone = data.location.timezone;
  const spaces = new Map(data.spaces.filter((space) => query.floor === undefined || (space.floor ?? '-') === query.floor).map((space) => [space.spaceId, space]));
  const cells = new Map<string, { weekday: number; hour: number; booked: number; capacity: number; distinct: number }>();
  const at = (hourStart: number) => {
    const { weekday, hour } = localParts(zone, hourStart);
    const key = `${weekday}/${hour}`;
    let found = cells.get(key);
    if (!found) cells.set(key, (found = { weekday, hour, booked: 0, capacity: 0, distinct: 0 }));
    return found;
  };
  for (const hour of bookableHours(data.location, query.from, query.to)) {
    const cell = at(hour);
    for (const space of spaces.values()) if (enabledDuring(space, hour)) cell.capacity += 60;
  }
  for (const [key, measures] of data.cells) {
    const [spaceId, hour] = parseKey(key);
    if (hour < query.from || hour >= query.to || !spaces.has(spaceId)) continue;
    const cell = at(hour);
    cell.booked += measures[M.bookedMinutes]!;
    cell.distinct += measures[M.touching]! + measures[M.cancellations]!;
  }
  const list = [...cells.values()].sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
  const suppressed = suppressWithComplements(
    list.map((cell) => ({ key: `${cell.weekday}/${cell.hour}`, distinct: cell.distinct })),
    query.k,
  );
  return list.map((cell) => {
    const hidden = suppressed.has(`${cell.weekday}/${cell.hour}`);
    return {
      weekday: cell.weekday,
      hour: cell.hour,
      bookedMinutes: hidden ? null : round(cell.booked),
      capacityMinutes: cell.capacity,
      occupancy: hidden ? null : ratio(cell.booked, cell.capacity),
      suppressed: hidden,
    };
  });
}

/** The busiest published weekday × hour and local day of a location. */
export function peaksOf(data: LocationCells, query: { from: number; to: number; k: number }) {
  const hours = heatmapOf(data, query).filter((cell) => cell.occupancy !== null);
  const busiestHour = hours.reduce<(typeof hours)[number] | undefined>((best, cell) => (best === undefined || cell.occupancy! > best.occupancy! ? cell : best), undefined);
  const days = utilizationOf(data, { ...query, groupBy: 'location', granularity: 'day' }).filter((bucket) => bucket.occupancy !== null);
  const busiestDay = days.reduce<Bucket | undefined>((best, bucket) => (best === undefined || bucket.occupancy! > best.occupancy! ? bucket : best), undefined);
  return {
    locationId: data.location.locationId,
    busiestHour: busiestHour ? { weekday: busiestHour.weekday, hour: busiestHour.hour, occupancy: busiestHour.occupancy! } : null,
    busiestDay: busiestDay ? { date: localParts(data.location.timezone, Date.parse(busiestDay.start)).date, occupancy: busiestDay.occupancy! } : null,
  };
}
