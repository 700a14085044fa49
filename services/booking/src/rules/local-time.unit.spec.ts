import { isoWeekday, localDate, localDateTime, localDays, nextDate, weekdayOfDate } from './local-time.js';

describe('local time in an IANA zone', () => {
  it.each([
    // Oslo springs forward 2026-03-29 at 01:00Z (02:00 CET → 03:00 CEST)
    ['2026-03-28T22:59:00Z', 'Europe/Oslo', '2026-03-28T23:59'],
    ['2026-03-28T23:00:00Z', 'Europe/Oslo', '2026-03-29T00:00'],
    ['2026-03-29T00:59:00Z', 'Europe/Oslo', '2026-03-29T01:59'],
    ['2026-03-29T01:00:00Z', 'Europe/Oslo', '2026-03-29T03:00'],
    ['2026-03-29T21:59:00Z', 'Europe/Oslo', '2026-03-29T23:59'],
    ['2026-03-29T22:00:00Z', 'Europe/Oslo', '2026-03-30T00:00'],
    // Oslo falls back 2026-10-25 at 01:00Z (03:00 CEST → 02:00 CET): 02:30 happens twice
    ['2026-10-24T22:00:00Z', 'Europe/Oslo', '2026-10-25T00:00'],
    ['2026-10-25T00:30:00Z', 'Europe/Oslo', '2026-10-25T02:30'],
    ['2026-10-25T01:30:00Z', 'Europe/Oslo', '2026-10-25T02:30'],
    ['2026-10-25T22:59:00Z', 'Europe/Oslo', '2026-10-25T23:59'],
    ['2026-10-25T23:00:00Z', 'Europe/Oslo', '2026-10-26T00:00'],
    // New York springs forward 2026-03-08 at 07:00Z and falls back 2026-11-01 at 06:00Z
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-08T01:59'],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08T03:00'],
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01T01:30'],
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01T01:30'],
    ['2026-11-02T04:59:00Z', 'America/New_York', '2026-11-01T23:59'],
    ['2026-11-02T05:00:00Z', 'America/New_York', '2026-11-02T00:00'],
    // midnight is 00, not 24
    ['2026-06-01T00:00:00Z', 'UTC', '2026-06-01T00:00'],
  ])('%s in %s is %s on the wall clock', (instant, zone, wall) => {
    expect(localDateTime(instant, zone)).toBe(wall);
    expect(localDate(instant, zone)).toBe(wall.slice(0, 10));
  });

  it('reads offsets in the instant, not the machine zone', () => {
    expect(localDate('2026-03-07T00:30:00+01:00', 'UTC')).toBe('2026-03-06');
  });

  it.each([
    ['2026-03-02', 1],
    ['2026-03-06', 5],
    ['2026-03-07', 6],
    ['2026-03-29', 7],
    ['2026-10-25', 7],
    ['2024-02-29', 4],
  ])('%s is ISO weekday %i', (date, weekday) => {
    expect(weekdayOfDate(date)).toBe(weekday);
  });

  it('takes the weekday in the zone when the UTC date differs', () => {
    // Friday 23:00 in New York is Saturday 04:00 UTC
    expect(isoWeekday('2026-03-07T04:00:00Z', 'America/New_York')).toBe(5);
    expect(isoWeekday('2026-03-07T04:00:00Z', 'UTC')).toBe(6);
    // Monday 00:30 in Oslo is Sunday 23:30 UTC
    expect(isoWeekday('2026-03-01T23:30:00Z', 'Europe/Oslo')).toBe(1);
  });

  it('steps dates over month, year and leap-day ends', () => {
    expect(nextDate('2026-03-28')).toBe('2026-03-29');
    expect(nextDate('2026-03-31')).toBe('2026-04-01');
    expect(nextDate('2026-12-31')).toBe('2027-01-01');
    expect(nextDate('2024-02-28')).toBe('2024-02-29');
  });
});

describe('localDays', () => {
  it('lists every local day a half-open interval touches, across the spring-forward night', () => {
    // Saturday 23:00 → Sunday 04:00 Oslo: four real hours, five on the wall clock
    expect(localDays('2026-03-28T22:00:00Z', '2026-03-29T02:00:00Z', 'Europe/Oslo')).toEqual(['2026-03-28', '2026-03-29']);
  });

  it('counts the 25-hour fall-back day as one day', () => {
    expect(localDays('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 'Europe/Oslo')).toEqual(['2026-10-25']);
    expect(localDays('2026-10-24T22:00:00Z', '2026-10-25T23:00:00.001Z', 'Europe/Oslo')).toEqual(['2026-10-25', '2026-10-26']);
  });

  it('counts the 23-hour spring-forward day as one day', () => {
    expect(localDays('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 'Europe/Oslo')).toEqual(['2026-03-29']);
  });

  it('does not touch the next day when ending exactly at local midnight', () => {
    expect(localDays('2026-03-06T16:00:00Z', '2026-03-06T23:00:00Z', 'Europe/Oslo')).toEqual(['2026-03-06']);
  });

  it('lists the local days, not the UTC ones', () => {
    // Friday 20:00 → 23:30 New York is Saturday 01:00 → 04:30 UTC
    expect(localDays('2026-03-07T01:00:00Z', '2026-03-07T04:30:00Z', 'America/New_York')).toEqual(['2026-03-06']);
  });

  it('lists every day of a long interval', () => {
    expect(localDays('2026-02-27T08:00:00Z', '2026-03-02T08:00:00Z', 'Europe/Oslo')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
