import { describe, expect, it } from '@jest/globals';
import { CELL_LENGTH, M } from './cells.js';
import { utilizationOf, type Bucket, type GroupBy, type LocationCells, type SpaceInfo } from './queries.js';
import { suppressWithComplements } from './suppression.js';

const HOUR = 3_600_000;
const from = Date.parse('2030-03-04T00:00:00Z'); // a Monday
const to = from + 24 * HOUR;
const nine = from + 9 * HOUR;

/** One location in UTC; each space gets `bookings` one-hour bookings starting at 09:00 on its cells (as touching/started counts). */
function location(spec: Array<{ floor: string; zone: string; kind: string; bookings: number }>): { data: LocationCells; spaces: SpaceInfo[] } {
  const spaces: SpaceInfo[] = spec.map((space, n) => ({
    spaceId: `s${n}`,
    locationId: 'L',
    kind: space.kind,
    floor: space.floor,
    zone: space.zone,
    enabledFrom: 0,
    disabledAt: null,
  }));
  const cells = spec.map((space, n) => {
    const cell = new Array<number>(CELL_LENGTH).fill(0);
    cell[M.bookedMinutes] = 60 * space.bookings;
    cell[M.touching] = space.bookings;
    cell[M.started] = space.bookings;
    return [`s${n}`, nine, cell] as const;
  });
  return { data: { location: { locationId: 'L', timezone: 'UTC', bookableWeekdays: [1, 2, 3, 4, 5] }, spaces, cells }, spaces };
}

const answer = (data: LocationCells, groupBy: GroupBy, k = 5) => utilizationOf(data, { from, to, groupBy, granularity: 'day', k });

/**
 * Everything an analyst can derive by adding and subtracting published booked minutes across the
 * groupings of one period: solves for each space's value where the published equations pin it.
 */
function recoverable(spaces: SpaceInfo[], answers: Bucket[][], groupOf: (space: SpaceInfo, groupBy: GroupBy) => string, groupings: GroupBy[]): Map<string, number> {
  // Gaussian elimination over the rationals on equations Σ_{s∈group} x_s = value.
  const ids = spaces.map((space) => space.spaceId);
  const rows: number[][] = [];
  answers.forEach((buckets, i) => {
    for (const bucket of buckets) {
      if (bucket.bookedMinutes === null) continue;
      const row = ids.map((id) =>
        groupOf(
          spaces.find((space) => space.spaceId === id)!,
          groupings[i]!,
        ) === bucket.key
          ? 1
          : 0,
      );
      rows.push([...row, bucket.bookedMinutes]);
    }
  });
  const n = ids.length;
  let pivotRow = 0;
  const pivots: number[] = [];
  for (let col = 0; col < n && pivotRow < rows.length; col += 1) {
    const found = rows.findIndex((row, r) => r >= pivotRow && Math.abs(row[col]!) > 1e-9);
    if (found < 0) continue;
    [rows[pivotRow], rows[found]] = [rows[found]!, rows[pivotRow]!];
    const pivot = rows[pivotRow]!;
    const scale = pivot[col]!;
    for (let c = 0; c <= n; c += 1) pivot[c] = pivot[c]! / scale;
    rows.forEach((row, r) => {
      if (r === pivotRow || Math.abs(row[col]!) < 1e-9) return;
      const factor = row[col]!;
      for (let c = 0; c <= n; c += 1) row[c] = row[c]! - factor * pivot[c]!;
    });
    pivots.push(col);
    pivotRow += 1;
  }
  const known = new Map<string, number>();
  for (let r = 0; r < pivots.length; r += 1) {
    const row = rows[r]!;
    const others = row.slice(0, n).filter((value, c) => c !== pivots[r] && Math.abs(value) > 1e-9);
    if (others.length === 0) known.set(ids[pivots[r]!]!, Math.round(row[n]! * 1000) / 1000);
  }
  return known;
}

const keyOf = (space: SpaceInfo, groupBy: GroupBy) =>
  groupBy === 'location' ? 'L' : groupBy === 'floor' ? `L/${space.floor}` : groupBy === 'zone' ? `L/${space.zone}` : groupBy === 'kind' ? space.kind : space.spaceId;

describe('minimum group size with complementary suppression', () => {
  it('suppresses the small ones and the smallest others until the suppressed hold k', () => {
    expect(
      [
        ...suppressWithComplements(
          [
            { key: 'a', distinct: 2 },
            { key: 'b', distinct: 9 },
            { key: 'c', distinct: 6 },
            { key: 'd', distinct: 0 },
          ],
          5,
        ),
      ].sort(),
    ).toEqual(['a', 'c']);
    expect(
      [
        ...suppressWithComplements(
          [
            { key: 'a', distinct: 2 },
            { key: 'b', distinct: 3 },
            { key: 'c', distinct: 6 },
          ],
          5,
        ),
      ].sort(),
    ).toEqual(['a', 'b']);
    expect(
      suppressWithComplements(
        [
          { key: 'a', distinct: 0 },
          { key: 'b', distinct: 7 },
        ],
        5,
      ).size,
    ).toBe(0);
  });

  it('a floor under k is suppressed, and so is another, so the location total minus published floors recovers nothing', () => {
    const { data } = location([
      { floor: '1', zone: 'A', kind: 'desk', bookings: 2 },
      { floor: '2', zone: 'A', kind: 'desk', bookings: 9 },
      { floor: '3', zone: 'A', kind: 'desk', bookings: 6 },
    ]);
    const total = answer(data, 'location')[0]!;
    expect(total).toMatchObject({ key: 'L', bookedMinutes: 17 * 60, suppressed: false });
    const floors = answer(data, 'floor');
    expect(floors.filter((floor) => floor.suppressed).map((floor) => floor.key)).toEqual(['L/1', 'L/3']);
    expect(floors.find((floor) => floor.key === 'L/1')).toMatchObject({ bookedMinutes: null, occupancy: null, bookings: null });
    const published = floors.filter((floor) => !floor.suppressed).reduce((sum, floor) => sum + floor.bookedMinutes!, 0);
    expect(total.bookedMinutes! - published).toBe(8 * 60); // the two suppressed together: 8 bookings ≥ k
  });

  it('no combination of published numbers across every grouping of the period isolates a group under k', () => {
    const spec = [
      { floor: '1', zone: 'A', kind: 'desk', bookings: 2 },
      { floor: '1', zone: 'B', kind: 'room', bookings: 7 },
      { floor: '2', zone: 'A', kind: 'room', bookings: 3 },
      { floor: '2', zone: 'B', kind: 'desk', bookings: 8 },
      { floor: '3', zone: 'A', kind: 'desk', bookings: 12 },
      { floor: '3', zone: 'B', kind: 'parking', bookings: 1 },
    ];
    const { data, spaces } = location(spec);
    const groupings: GroupBy[] = ['location', 'floor', 'zone', 'kind', 'space'];
    const answers = groupings.map((groupBy) => answer(data, groupBy));
    const known = recoverable(spaces, answers, keyOf, groupings);
    // Positive control: with nothing suppressed, the attack pins every space down.
    const open = recoverable(
      spaces,
      groupings.map((groupBy) => answer(data, groupBy, 1)),
      keyOf,
      groupings,
    );
    expect(open.get('s0')).toBe(120);
    expect(open.size).toBe(spec.length);
    // Whatever is pinned down under k = 5 is a space of at least k bookings.
    expect(known.size).toBeGreaterThan(0);
    for (const [spaceId] of known) expect(spec[Number(spaceId.slice(1))]!.bookings).toBeGreaterThanOrEqual(5);
    // And no group under k is derivable either: each small space's value stays unknown.
    for (const small of ['s0', 's2', 's5']) expect(known.has(small)).toBe(false);
    // The published answers are still useful: the location and the big spaces are there.
    expect(answers[0]![0]!.suppressed).toBe(false);
    expect(answers[4]!.filter((bucket) => !bucket.suppressed).map((bucket) => bucket.key)).toEqual(expect.arrayContaining(['s3', 's4']));
  });

  it('publishes empty groups (they describe nobody) and suppresses a whole location under k', () => {
    const { data } = location([
      { floor: '1', zone: 'A', kind: 'desk', bookings: 0 },
      { floor: '2', zone: 'A', kind: 'desk', bookings: 3 },
    ]);
    expect(answer(data, 'location')[0]).toMatchObject({ suppressed: true, bookedMinutes: null, capacityMinutes: 2 * 24 * 60 });
    expect(answer(data, 'floor').map((floor) => [floor.key, floor.suppressed])).toEqual([
      ['L/1', false],
      ['L/2', true],
    ]);
  });
});
