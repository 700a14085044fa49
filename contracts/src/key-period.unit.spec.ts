import { describe, expect, it } from '@jest/globals';
import { bookingKeyPeriod, retentionCutoff } from './key-period.js';

describe('booking key periods', () => {
  it('are the UTC day of the booking’s end', () => {
    expect(bookingKeyPeriod('2030-03-10T09:00:00.000Z')).toBe('2030-03-10');
    expect(bookingKeyPeriod('2030-03-10T23:59:59.999Z')).toBe('2030-03-10');
    expect(bookingKeyPeriod('2030-03-11T00:30:00+01:00')).toBe('2030-03-10');
    expect(bookingKeyPeriod('2030-03-11T00:00:00.001Z')).toBe('2030-03-11');
  });

  it('give a booking ending at midnight to the day before (the end is exclusive)', () => {
    expect(bookingKeyPeriod('2030-03-11T00:00:00.000Z')).toBe('2030-03-10');
  });

  it('sort as time: a text comparison with the retention cutoff is a date comparison', () => {
    expect(bookingKeyPeriod('2030-12-31T12:00:00Z') < bookingKeyPeriod('2031-01-01T12:00:00Z')).toBe(true);
  });
});

describe('retention cutoff', () => {
  const expired = (day: string, now: string, days: number) => day < retentionCutoff(new Date(now), days);

  it('expires a day once it is over and N more days have passed, not a millisecond earlier', () => {
    expect(expired('2030-03-10', '2030-03-12T23:59:59.999Z', 2)).toBe(false);
    expect(expired('2030-03-10', '2030-03-13T00:00:00.000Z', 2)).toBe(true);
    expect(expired('2030-03-11', '2030-03-13T00:00:00.000Z', 2)).toBe(false);
  });

  it('with one day, keeps yesterday until today is over', () => {
    expect(retentionCutoff(new Date('2030-03-13T15:00:00Z'), 1)).toBe('2030-03-12');
  });
});
