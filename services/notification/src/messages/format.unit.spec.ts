import { describe, expect, it } from '@jest/globals';
import { formatRange } from './index.js';

describe('a booking’s time range', () => {
  it('is the wall time of the location on either side of the autumn DST change', () => {
    // Berlin leaves summer time at 01:00Z on Sunday 2026-10-25: 07:00Z is 09:00 before and 08:00 after.
    expect(formatRange('en', 'Europe/Berlin', '2026-10-24T07:00:00Z', '2026-10-24T08:00:00Z')).toBe('Saturday, 24 October 2026, 09:00–10:00 (Europe/Berlin)');
    expect(formatRange('en', 'Europe/Berlin', '2026-10-26T07:00:00Z', '2026-10-26T08:00:00Z')).toBe('Monday, 26 October 2026, 08:00–09:00 (Europe/Berlin)');
  });

  it('spans the change itself: five hours elapse between 00:00 and 04:00', () => {
    expect(formatRange('en', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z')).toBe('Sunday, 25 October 2026, 00:00–04:00 (Europe/Berlin)');
  });

  it('skips the spring hour that does not exist', () => {
    // Oslo enters summer time at 01:00Z on Sunday 2026-03-29: 02:00–03:00 local never happens.
    expect(formatRange('nb', 'Europe/Oslo', '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z')).toBe('søndag 29. mars 2026, 01:30–03:30 (Europe/Oslo)');
  });

  it('depends on the location’s zone, not the host’s', () => {
    expect(formatRange('en', 'America/New_York', '2026-12-08T08:00:00Z', '2026-12-08T16:00:00Z')).toBe('Tuesday, 8 December 2026, 03:00–11:00 (America/New_York)');
  });

  it('follows each locale’s conventions, with a 24-hour clock in English too', () => {
    const range = (locale: 'en' | 'nb' | 'da' | 'sv' | 'de') => formatRange(locale, 'Europe/Oslo', '2026-12-08T08:00:00Z', '2026-12-08T16:00:00Z');
    expect(range('en')).toBe('Tuesday, 8 December 2026, 09:00–17:00 (Europe/Oslo)');
    expect(range('de')).toBe('Dienstag, 8. Dezember 2026, 09:00–17:00 Uhr (Europe/Oslo)');
    expect(range('nb')).toBe('tirsdag 8. desember 2026, 09:00–17:00 (Europe/Oslo)');
    expect(range('da')).toBe('tirsdag den 8. december 2026 09.00–17.00 (Europe/Oslo)');
    expect(range('sv')).toBe('tisdag 8 december 2026 09:00–17:00 (Europe/Oslo)');
  });

  it('names both days when it runs past midnight', () => {
    expect(formatRange('en', 'Europe/Oslo', '2026-12-08T20:00:00Z', '2026-12-09T06:00:00Z')).toBe(
      'Tuesday, 8 December 2026 at 21:00\u2009–\u2009Wednesday, 9 December 2026 at 07:00 (Europe/Oslo)',
    );
  });

  it('refuses what is not an instant', () => {
    expect(() => formatRange('en', 'Europe/Oslo', 'tomorrow', '2026-12-09T06:00:00Z')).toThrow('not an ISO instant: tomorrow');
  });
});
