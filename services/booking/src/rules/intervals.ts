/** A half-open interval [start, end) of ISO instants: 09–17 and 17–18 do not overlap. */
export interface Interval {
  start: string;
  end: string;
}

const ms = Date.parse;

export const overlaps = (a: Interval, b: Interval): boolean => ms(a.start) < ms(b.end) && ms(b.start) < ms(a.end);

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
