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

/** One location's cells over the range: space, hour start (ms), measures. */
export interface LocationCells {
  location: LocationInfo;
  spaces: readonly SpaceInfo[];
  cells: ReadonlyArray<readonly [spaceId: string, hour: number, cell: Cell]>;
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


/** The bookable hours of a location in [from, to): its weekdays, local time. */
export function bookableHours(location: LocationInfo, from: number, to: number): number[] {
  const hours: number[] = [];
  for (let hour = localHourStart(location.timezone, from); hour < to; hour = bucketEnd(location.timezone, hour, 'hour')) {
    if (hour >= from && location.bookableWeekdays.includes(localParts(location.timezone, hour).weekday)) hours.push(hour);
  }
  return hours;
}

const enabledDuring = (space: SpaceInfo, hour: number) => space.enabledFrom < hour + HOUR_MS && (space.disabledAt === null || space.disabledAt > hour);

/** Per bucket, per space (by index): the sums of its cells in FIELDS order, and its capacity. */
const FIELDS = 6; // booked, checkedIn, started, cancellations, noShows, distinct
interface BucketSums {
  sums: Float64Array;
  capacity: Float64Array;
  /** 1 where the space has cells or capacity in the bucket. */
  present: Uint8Array;
}

function spaceBuckets(data: LocationCells, from: number, to: number, granularity: Granularity): Map<number, BucketSums> {
  const zone = data.location.timezone;
  const n = data.spaces.length;
  const index = new Map(data.spaces.map((space, i) => [space.spaceId, i]));
  const buckets = new Map<number, BucketSums>();
  const firstHour = localHourStart(zone, from) === from ? from : bucketEnd(zone, localHourStart(zone, from), 'hour');
  const startOf = new Map<number, number>();
  const startFor = (hour: number) => {
    let start = startOf.get(hour);
    if (start === undefined) startOf.set(hour, (start = bucketStart(zone, hour, granularity)));
    return start;
  };
  const bucketAt = (start: number) => {
    let found = buckets.get(start);
    if (!found) buckets.set(start, (found = { sums: new Float64Array(n * FIELDS), capacity: new Float64Array(n), present: new Uint8Array(n) }));
    return found;
  };
  for (const hour of bookableHours(data.location, from, to)) {
    const bucket = bucketAt(startFor(hour));
    data.spaces.forEach((space, i) => {
      if (!enabledDuring(space, hour)) return;
      bucket.capacity[i]! += 60;
      bucket.present[i] = 1;
    });
  }
  for (const [spaceId, hour, cell] of data.cells) {
    if (hour < from || hour >= to) continue;
    const i = index.get(spaceId);
    if (i === undefined) continue;
    const start = startFor(hour);
    const bucket = bucketAt(start);
    const at = i * FIELDS;
    const sums = bucket.sums;
    sums[at]! += cell[M.bookedMinutes]!;
    sums[at + 1]! += cell[M.checkedInMinutes]!;
    sums[at + 2]! += cell[M.started]!;
    sums[at + 3]! += cell[M.cancellations]!;
    sums[at + 4]! += cell[M.noShows]!;
    // Distinct bookings: those starting, the cancelled, and once in its first hour those that began before the bucket (or the range).
    sums[at + 5]! += cell[M.started]! + cell[M.cancellations]! + (hour === Math.max(start, firstHour) ? cell[M.touching]! - cell[M.started]! : 0);
    bucket.present[i] = 1;
  }
  return buckets;
}

const sumsAt = (bucket: BucketSums, i: number): Sums => {
  const at = i * FIELDS;
  const s = bucket.sums;
  return { booked: s[at]!, checkedIn: s[at + 1]!, started: s[at + 2]!, cancellations: s[at + 3]!, noShows: s[at + 4]!, distinct: s[at + 5]! };
};

/** Utilization buckets of one location, suppressed with complements (`suppression.ts`). */
export function utilizationOf(data: LocationCells, query: { from: number; to: number; groupBy: GroupBy; granularity: Granularity; k: number }): Bucket[] {
  const buckets = spaceBuckets(data, query.from, query.to, query.granularity);
  const atoms = data.spaces.map(atomOf);
  const keys = data.spaces.map((space) => groupKey(space, query.groupBy));
  const result: Bucket[] = [];
  for (const start of [...buckets.keys()].sort((a, b) => a - b)) {
    const bucket = buckets.get(start)!;
    const members: number[] = [];
    for (let i = 0; i < data.spaces.length; i += 1) if (bucket.present[i]) members.push(i);
    const suppression = suppress({
      k: query.k,
      spaces: members.map((i) => ({ spaceId: data.spaces[i]!.spaceId, atom: atoms[i]!, distinct: bucket.sums[i * FIELDS + 5]! })),
    });
    const groups = new Map<string, { sums: Sums; capacity: number; atoms: Set<string>; first: number }>();
    for (const i of members) {
      const key = keys[i]!;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { sums: zero(), capacity: 0, atoms: new Set<string>(), first: i }));
      addTo(group.sums, sumsAt(bucket, i));
      group.capacity += bucket.capacity[i]!;
      group.atoms.add(atoms[i]!);
    }
    for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const suppressed =
        query.groupBy === 'space' ? suppression.spaces.has(data.spaces[group.first]!.spaceId) : !suppression.publishes(group.atoms, group.sums.distinct);
      result.push(bucketView(key, data.location.locationId, start, group.sums, group.capacity, suppressed));
    }
  }
  return result;
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
  for (const [spaceId, hour, measures] of data.cells) {
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
