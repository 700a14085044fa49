/** A half-open interval [start, end) of ISO instants: 09–17 and 17–18 do not overlap. */
export interface Interval {
  start: string;
  end: string;
}

const ms = Date.parse;

/**
 * Written as `Date.prototype.toISOString` writes a UTC instant of the years 0000–9999:
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, its separators where they belong (checked one by one: ~10 times
 * faster than parsing, where a loop over a table is only ~4 times).
 */
const canonical = (instant: string): boolean =>
  instant.length === 24 &&
  instant.charCodeAt(23) === 0x5a && // Z
  instant.charCodeAt(10) === 0x54 && // T
  instant.charCodeAt(4) === 0x2d && // -
  instant.charCodeAt(7) === 0x2d && // -
  instant.charCodeAt(13) === 0x3a && // :
  instant.charCodeAt(16) === 0x3a && // :
  instant.charCodeAt(19) === 0x2e; // .

/**
 * Whether instant `a` comes before instant `b`. Every interval the deciders store or decide on is
 * canonical UTC (`toISOString`), and two such strings sort as text in time order, so they are
 * compared without parsing (the overlap checks walk a space's whole day per booking); any other
 * form, such as an offset, is parsed.
 */
export const before = (a: string, b: string): boolean => (canonical(a) && canonical(b) ? a < b : ms(a) < ms(b));

export const overlaps = (a: Interval, b: Interval): boolean => before(a.start, b.end) && before(b.start, a.end);

/**
 * The most intervals that run at the same instant within `window` — not how many touch it: two
 * bookings 09–10 and 11–12 both overlap 09–12 but never run together.
 */
export function peakOverlap(intervals: Iterable<Interval>, window: Interval): number {
  const edges: [at: number, delta: number][] = [];
  for (const interval of intervals) {
    if (!overlaps(interval, window)) continue;
    edges.push([Math.max(ms(interval.start), ms(window.start)), 1], [Math.min(ms(interval.end), ms(window.end)), -1]);
  }
  // At the same instant an end comes before a start: half-open intervals that touch do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    running += delta;
    peak = Math.max(peak, running);
  }
  return peak;
}
