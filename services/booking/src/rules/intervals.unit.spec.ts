import { before, overlaps, peakOverlap } from './intervals.js';

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

  it('compares canonical instants as text and every other form by parsing it, with the same answers', () => {
    expect(before('2026-03-02T09:59:59.999Z', '2026-03-02T10:00:00.000Z')).toBe(true);
    expect(before('2026-03-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z')).toBe(false);
    // The same instant in another form is not before it, either way round.
    expect(before('2026-03-02T11:00:00+01:00', '2026-03-02T10:00:00.000Z')).toBe(false);
    expect(before('2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00+01:00')).toBe(false);
    // As text "…T10:30+02:00" sorts after "…T09:00Z"; as instants it comes before.
    expect(before('2026-03-02T10:30:00.000+02:00', '2026-03-02T09:00:00.000Z')).toBe(true);
    // 24 characters like a canonical instant, but with an offset where the milliseconds and Z go.
    expect(before('2026-03-02T10:30:00+0200', '2026-03-02T09:00:00.000Z')).toBe(true);
    // Without milliseconds, or past year 9999 (toISOString's extended years), it is parsed.
    expect(before('2026-03-02T10:00:00Z', '2026-03-02T09:30:00.000Z')).toBe(false);
    expect(before('9999-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z')).toBe(true);
    // Across a DST change (Europe/Oslo, 2026-03-29 02:00 → 03:00): 01:59+01:00 comes just before 03:00+02:00.
    expect(before('2026-03-29T01:59:00+01:00', '2026-03-29T03:00:00+02:00')).toBe(true);
    expect(before('2026-03-29T03:00:00+02:00', '2026-03-29T01:00:00.000Z')).toBe(false);

    const instants = [0, 1, 999, 1_000, 59_999, 3_600_000, 86_399_999, 86_400_000, 1_774_746_000_000, 1_774_746_000_001, 253_402_300_799_999].map((t) => new Date(t).toISOString());
    for (const a of instants) for (const b of instants) expect([a, b, before(a, b)]).toEqual([a, b, Date.parse(a) < Date.parse(b)]);
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
