import { MAX_SERIES_OCCURRENCES, type Recurrence } from '@plass/contracts';
import { expandRecurrence, instantOf, type SeriesRequest } from './recurrence.js';

const BERLIN = 'Europe/Berlin';
const expand = (start: string, end: string, recurrence: Recurrence, zone = BERLIN) => expandRecurrence({ start, end, recurrence, zone } satisfies SeriesRequest);
const occurrencesOf = (outcome: ReturnType<typeof expand>) => (outcome.ok ? outcome.occurrences : outcome.error.code);
const startsOf = (outcome: ReturnType<typeof expand>) => (outcome.ok ? outcome.occurrences.map((o) => o.start.slice(0, 10)) : outcome.error.code);

describe('expandRecurrence', () => {
  describe('in the wall clock of the location across DST', () => {
    it('keeps 09:00–17:00 Berlin over the spring change (CET → CEST, 2026-03-29)', () => {
      expect(occurrencesOf(expand('2026-03-27T09:00:00+01:00', '2026-03-27T17:00:00+01:00', { frequency: 'daily', count: 4 }))).toEqual([
        { start: '2026-03-27T08:00:00.000Z', end: '2026-03-27T16:00:00.000Z' },
        { start: '2026-03-28T08:00:00.000Z', end: '2026-03-28T16:00:00.000Z' },
        { start: '2026-03-29T07:00:00.000Z', end: '2026-03-29T15:00:00.000Z' },
        { start: '2026-03-30T07:00:00.000Z', end: '2026-03-30T15:00:00.000Z' },
      ]);
    });

    it('keeps 09:00–17:00 Berlin over the autumn change (CEST → CET, 2026-10-25), weekly', () => {
      expect(occurrencesOf(expand('2026-10-19T09:00:00+02:00', '2026-10-19T17:00:00+02:00', { frequency: 'weekly', count: 2 }))).toEqual([
        { start: '2026-10-19T07:00:00.000Z', end: '2026-10-19T15:00:00.000Z' },
        { start: '2026-10-26T08:00:00.000Z', end: '2026-10-26T16:00:00.000Z' },
      ]);
    });

    it('keeps an overnight booking 22:00–06:00 local, nine hours long on the night the clock goes back', () => {
      expect(occurrencesOf(expand('2026-10-24T22:00:00+02:00', '2026-10-25T06:00:00+01:00', { frequency: 'daily', count: 2 }))).toEqual([
        { start: '2026-10-24T20:00:00.000Z', end: '2026-10-25T05:00:00.000Z' },
        { start: '2026-10-25T21:00:00.000Z', end: '2026-10-26T05:00:00.000Z' },
      ]);
    });

    it('reads a wall time the spring gap skips with the offset before it, and a doubled one as its first', () => {
      expect(new Date(instantOf('2026-03-29T02:30', BERLIN)).toISOString()).toBe('2026-03-29T01:30:00.000Z');
      expect(new Date(instantOf('2026-10-25T02:30', BERLIN)).toISOString()).toBe('2026-10-25T00:30:00.000Z');
      expect(new Date(instantOf('2026-07-01T09:00', BERLIN)).toISOString()).toBe('2026-07-01T07:00:00.000Z');
      expect(new Date(instantOf('2026-07-01T09:00', 'UTC')).toISOString()).toBe('2026-07-01T09:00:00.000Z');
    });
  });

  describe('which dates', () => {
    const monday = ['2026-03-02T09:00:00+01:00', '2026-03-02T10:00:00+01:00'] as const;

    it('books the weekdays named each week, until an instant (inclusive)', () => {
      expect(startsOf(expand(...monday, { frequency: 'weekly', byWeekday: [1, 3, 5], until: '2026-03-13T08:00:00Z' }))).toEqual([
        '2026-03-02',
        '2026-03-04',
        '2026-03-06',
        '2026-03-09',
        '2026-03-11',
        '2026-03-13',
      ]);
      expect(startsOf(expand(...monday, { frequency: 'weekly', byWeekday: [1, 3, 5], until: '2026-03-13T07:59:00Z' })).at(-1)).toBe('2026-03-11');
    });

    it('books every second week, counting weeks from the start’s week', () => {
      expect(startsOf(expand(...monday, { frequency: 'weekly', interval: 2, count: 3 }))).toEqual(['2026-03-02', '2026-03-16', '2026-03-30']);
      // Starting on a Wednesday, the Monday of the start's week is before it: the first Monday is two weeks on.
      expect(startsOf(expand('2026-03-04T09:00:00+01:00', '2026-03-04T10:00:00+01:00', { frequency: 'weekly', interval: 2, byWeekday: [1, 3], count: 3 }))).toEqual([
        '2026-03-04',
        '2026-03-16',
        '2026-03-18',
      ]);
    });

    it('books every day or every n-th day, on the weekdays named', () => {
      expect(startsOf(expand(...monday, { frequency: 'daily', byWeekday: [1, 2, 3, 4, 5], count: 6 }))).toEqual([
        '2026-03-02',
        '2026-03-03',
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-09',
      ]);
      expect(startsOf(expand(...monday, { frequency: 'daily', interval: 3, count: 3 }))).toEqual(['2026-03-02', '2026-03-05', '2026-03-08']);
    });

    it('starts on the first date that matches, not necessarily the start', () => {
      expect(startsOf(expand(...monday, { frequency: 'weekly', byWeekday: [2], count: 2 }))).toEqual(['2026-03-03', '2026-03-10']);
    });
  });

  describe('bounds', () => {
    const day = ['2026-03-02T09:00:00+01:00', '2026-03-02T10:00:00+01:00'] as const;

    it(`books at most ${MAX_SERIES_OCCURRENCES} occurrences`, () => {
      const year = expand(...day, { frequency: 'daily', count: MAX_SERIES_OCCURRENCES });
      expect(year.ok && year.occurrences.length).toBe(MAX_SERIES_OCCURRENCES);
      expect(occurrencesOf(expand(...day, { frequency: 'daily', until: '2027-03-03T09:00:00Z' }))).toBe('validation.failed');
      expect(occurrencesOf(expand(...day, { frequency: 'daily', count: MAX_SERIES_OCCURRENCES + 1 }))).toBe('validation.failed');
    });

    it.each<[string, Recurrence]>([
      ['neither until nor count', { frequency: 'daily' }],
      ['both until and count', { frequency: 'daily', count: 2, until: '2026-04-01T00:00:00Z' }],
      ['until before the start', { frequency: 'daily', until: '2026-03-01T00:00:00Z' }],
      ['no date that matches', { frequency: 'weekly', byWeekday: [3], until: '2026-03-03T00:00:00Z' }],
      ['a count beyond the furthest start any booking may have', { frequency: 'weekly', interval: 52, count: 20 }],
    ])('refuses %s', (_name, recurrence) => {
      expect(occurrencesOf(expand(...day, recurrence))).toBe('validation.failed');
    });
  });
});
