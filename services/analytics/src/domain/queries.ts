import { M, SPACES_IN_CELL, type Cell } from './cells.js';
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

/**
 * One location's cells over the range: key, hour start (ms), measures. Keyed by space id, or —
 * enough for every grouping but `space` — by atom (`atomOf`), whose cells are its spaces' sums.
 */
export interface LocationCells {
  location: LocationInfo;
  spaces: readonly SpaceInfo[];
  by?: 'space' | 'atom';
  cells: ReadonlyArray<readonly [key: string, hour: number, cell: Cell]>;
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

/** The spaces sharing a floor, zone and kind: what suppression decides over (`suppression.ts`). */
export const atomOf = (space: Pick<SpaceInfo, 'floor' | 'zone' | 'kind'>) => `${space.floor ?? ''}\u0000${space.zone ?? ''}\u0000${space.kind}`;

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

/** What the cells are keyed by: a space, or an atom with its spaces. `sample` carries the group keys. */
interface Unit {
  key: string;
  sample: SpaceInfo;
  members: SpaceInfo[];
}

function unitsOf(data: LocationCells, keep: (space: SpaceInfo) => boolean = () => true): Unit[] {
  const spaces = data.spaces.filter(keep);
  if ((data.by ?? 'space') === 'space') return spaces.map((space) => ({ key: space.spaceId, sample: space, members: [space] }));
  const atoms = new Map<string, Unit>();
  for (const space of spaces) {
    const key = atomOf(space);
    const unit = atoms.get(key);
    if (unit) unit.members.push(space);
    else atoms.set(key, { key, sample: space, members: [space] });
  }
  return [...atoms.values()];
}

/** A unit's capacity per bookable hour: its spaces enabled throughout, plus the others hour by hour. */
function capacityOf(unit: Unit, from: number, to: number): (hour: number) => number {
  const steady = unit.members.filter((space) => space.enabledFrom < from && (space.disabledAt === null || space.disabledAt >= to)).length;
  const varying = unit.members.filter((space) => !(space.enabledFrom < from && (space.disabledAt === null || space.disabledAt >= to)));
  return (hour) => 60 * (steady + varying.filter((space) => enabledDuring(space, hour)).length);
}

/** An atom's cell in an hour none of its spaces has one (all moved to other floors or zones) describes nothing. */
const counts = (data: LocationCells, cell: Cell) => data.by !== 'atom' || cell[SPACES_IN_CELL]! > 0;

/** Per bucket, per unit (by index): the sums of its cells in FIELDS order, and its capacity. */
const FIELDS = 6; // booked, checkedIn, started, cancellations, noShows, distinct
interface BucketSums {
  sums: Float64Array;
  capacity: Float64Array;
  /** 1 where the unit has cells or capacity in the bucket. */
  present: Uint8Array;
}

function unitBuckets(data: LocationCells, units: readonly Unit[], from: number, to: number, granularity: Granularity): Map<number, BucketSums> {
  const zone = data.location.timezone;
  const n = units.length;
  const index = new Map(units.map((unit, i) => [unit.key, i]));
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
  const capacities = units.map((unit) => capacityOf(unit, from, to));
  for (const hour of bookableHours(data.location, from, to)) {
    const bucket = bucketAt(startFor(hour));
    for (let i = 0; i < n; i += 1) {
      const capacity = capacities[i]!(hour);
      if (capacity === 0) continue;
      bucket.capacity[i]! += capacity;
      bucket.present[i] = 1;
    }
  }
  for (const [key, hour, cell] of data.cells) {
    if (hour < from || hour >= to || !counts(data, cell)) continue;
    const i = index.get(key);
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

/**
 * Utilization buckets of one location, suppressed with complements (`suppression.ts`). `only`
 * narrows the groups answered; suppression is still decided over the whole location.
 */
export function utilizationOf(
  data: LocationCells,
  query: { from: number; to: number; groupBy: GroupBy; granularity: Granularity; k: number; only?: (key: string) => boolean },
): Bucket[] {
  if (query.groupBy === 'space' && data.by === 'atom') throw new Error('a grouping by space needs the cells of each space');
  const units = unitsOf(data);
  const buckets = unitBuckets(data, units, query.from, query.to, query.granularity);
  const atoms = units.map((unit) => atomOf(unit.sample));
  const keys = units.map((unit) => groupKey(unit.sample, query.groupBy));
  // Every bucket lists its groups in the same order: sorted once.
  const order = [...new Set(keys)].sort((a, b) => a.localeCompare(b));
  const groupOf = new Map(order.map((key, n) => [key, n]));
  const unitGroup = keys.map((key) => groupOf.get(key)!);
  const answered = order.map((key) => query.only?.(key) ?? true);
  const result: Bucket[] = [];
  for (const start of [...buckets.keys()].sort((a, b) => a - b)) {
    const bucket = buckets.get(start)!;
    const members: number[] = [];
    for (let i = 0; i < units.length; i += 1) if (bucket.present[i]) members.push(i);
    // Atoms enter as spaces of one atom each: the atoms' sums and the groups' decisions are those of their spaces.
    const suppression = suppress({
      k: query.k,
      spaces: members.map((i) => ({ spaceId: units[i]!.key, atom: atoms[i]!, distinct: bucket.sums[i * FIELDS + 5]! })),
    });
    const groups: Array<{ sums: Sums; capacity: number; atoms: Set<string>; first: number } | undefined> = Array.from({ length: order.length }, () => undefined);
    for (const i of members) {
      const n = unitGroup[i]!;
      if (!answered[n]) continue;
      let group = groups[n];
      if (!group) groups[n] = group = { sums: zero(), capacity: 0, atoms: new Set<string>(), first: i };
      addTo(group.sums, sumsAt(bucket, i));
      group.capacity += bucket.capacity[i]!;
      group.atoms.add(atoms[i]!);
    }
    groups.forEach((group, n) => {
      if (!group) return;
      const suppressed = query.groupBy === 'space' ? suppression.spaces.has(units[group.first]!.key) : !suppression.publishes(group.atoms, group.sums.distinct);
      result.push(bucketView(order[n]!, data.location.locationId, start, group.sums, group.capacity, suppressed));
    });
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
  const units = new Map(unitsOf(data, (space) => query.floor === undefined || (space.floor ?? '-') === query.floor).map((unit) => [unit.key, unit]));
  const cells = new Map<string, { weekday: number; hour: number; booked: number; capacity: number; distinct: number }>();
  const at = (hourStart: number) => {
    const { weekday, hour } = localParts(zone, hourStart);
    const key = `${weekday}/${hour}`;
    let found = cells.get(key);
    if (!found) cells.set(key, (found = { weekday, hour, booked: 0, capacity: 0, distinct: 0 }));
    return found;
  };
  const capacities = [...units.values()].map((unit) => capacityOf(unit, query.from, query.to));
  for (const hour of bookableHours(data.location, query.from, query.to)) {
    const cell = at(hour);
    for (const capacity of capacities) cell.capacity += capacity(hour);
  }
  for (const [key, hour, measures] of data.cells) {
    if (hour < query.from || hour >= query.to || !units.has(key) || !counts(data, measures)) continue;
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
