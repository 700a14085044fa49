import { overlaps, peakOverlap } from './intervals.js';

const at = (hour: number) => `2026-03-02T${String(hour).padStart(2, '0')}:00:00.000Z`;
const span = (from: number, to: number) => ({ start: at(from), end: at(to) });

describe('half-open intervals', () => {
  it('lets back-to-back intervals touch without overlapping', () => {
    expect(overlaps(span(9, 17), span(17, 18))).toBe(false);
    expect(overlaps(span(17, 18), span(9, 17))).toBe(false);
    expect(overlaps(span(9, 17), span(16, 18))).toBe(true);
    expect(overlaps(span(9, 17), span(10, 11))).toBe(true);
  });

  it('compares instants, whatever the offset they are written in', () => {
    expect(overlaps({ start: '2026-03-02T10:00:00+01:00', end: '2026-03-02T11:00:00+01:00' }, span(10, 11))).toBe(false);
    expect(overlaps({ start: '2026-03-02T10:00:00+01:00', end: '2026-03-02T11:00:00+01:00' }, span(9, 10))).toBe(true);
  });

  it.each([
    ['nothing', [], 0],
    ['one inside', [span(10, 11)], 1],
    ['two staggered that never run together', [span(9, 10), span(11, 12)], 1],
    ['back-to-back', [span(9, 10), span(10, 11), span(11, 12)], 1],
    ['two overlapping at one instant', [span(9, 11), span(10, 12)], 2],
    ['a chain whose peak is two', [span(9, 11), span(10, 12), span(11, 13)], 2],
    ['three at once', [span(8, 13), span(9, 11), span(10, 12)], 3],
    ['some outside the window', [span(6, 9), span(12, 14), span(10, 11)], 1],
  ])('peaks over 09–12 with %s', (_name, intervals, peak) => {
    expect(peakOverlap(intervals, span(9, 12))).toBe(peak);
  });
});
