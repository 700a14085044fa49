import { describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { Locale, MailKind } from '@plass/contracts';
import { bookingCalendar, calendarUid, formatRange, messages, renderMessage, type MessageInput } from './index.js';

const booking = {
  bookingId: '5b7f1e3c-6a2d-4f1e-9c3b-2a1d0e9f8c7b',
  start: '2030-03-04T09:00:00.000Z',
  end: '2030-03-04T12:00:00.000Z',
  timeZone: 'Europe/Oslo',
  space: { name: 'Desk 4.12', kind: 'desk' as const, floor: '4', zone: 'North' },
  location: { name: 'Oslo HQ' },
  reminderMinutes: 15,
};

const input = (kind: MailKind, locale: Locale, overrides: Partial<MessageInput> = {}): MessageInput => ({
  kind,
  locale,
  recipient: { name: 'Kari Nordmann', email: 'kari@example.test' },
  sender: { name: 'plass', address: 'desk@plass.example' },
  tenantName: 'Acme',
  baseUrl: 'https://plass.example',
  now: '2030-03-01T08:00:00.000Z',
  ...(kind === 'user.invited' ? { invitation: { link: 'https://plass.example/set-password#token=abc', expiresAt: '2030-03-04T08:00:00.000Z' } } : { booking }),
  ...overrides,
});

const keysOf = (value: unknown, prefix = ''): string[] =>
  typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([key, inner]) => keysOf(inner, `${prefix}${key}/`)) : [prefix];

describe('mail messages', () => {
  it('have the same keys in every locale, and every kind renders in every locale without a placeholder left', () => {
    const english = keysOf(messages.en).sort();
    for (const locale of Locale.options) expect({ locale, keys: keysOf(messages[locale]).sort() }).toEqual({ locale, keys: english });
    for (const locale of Locale.options) {
      for (const kind of MailKind.options) {
        const rendered = renderMessage(input(kind, locale));
        for (const part of [rendered.subject, rendered.text, rendered.html]) {
          expect(part).not.toMatch(/\{\{|\}\}/);
          expect(part).not.toMatch(/\b(common|booking|user)\.[a-z]+/);
        }
        expect(rendered.subject.length).toBeGreaterThan(5);
        expect(rendered.subject).not.toContain('Kari');
      }
    }
  });

  it('speaks the recipient’s language', () => {
    expect(renderMessage(input('booking.confirmed', 'de')).text).toContain('Ihre Buchung ist bestätigt');
    expect(renderMessage(input('booking.confirmed', 'nb')).text).toContain('Bookingen din er bekreftet');
    expect(renderMessage(input('booking.confirmed', 'sv')).subject).toMatch(/^Bokat: Desk 4\.12/);
  });

  it('shows times in the location’s zone, across a DST change, in the recipient’s conventions', () => {
    // Berlin leaves summer time at 01:00Z on 2030-10-27: 07:00Z is 09:00 the day before and 08:00 the day after.
    expect(formatRange('en', 'Europe/Berlin', '2030-10-26T07:00:00Z', '2030-10-26T08:00:00Z')).toBe('Saturday, 26 October 2030, 09:00–10:00 (Europe/Berlin)');
    expect(formatRange('en', 'Europe/Berlin', '2030-10-28T07:00:00Z', '2030-10-28T08:00:00Z')).toBe('Monday, 28 October 2030, 08:00–09:00 (Europe/Berlin)');
    expect(formatRange('de', 'Europe/Berlin', '2030-10-28T07:00:00Z', '2030-10-28T08:00:00Z')).toBe('Montag, 28. Oktober 2030, 08:00–09:00 (Europe/Berlin)');
    expect(renderMessage(input('booking.reminder', 'en')).subject).toBe('Reminder: Desk 4.12 at 10:00');
  });

  it('escapes names in the HTML part', () => {
    const rendered = renderMessage(
      input('booking.confirmed', 'en', { recipient: { name: 'Tom & <b>Jerry</b>', email: 'tom@example.test' }, booking: { ...booking, space: { ...booking.space, name: '<script>x</script>' } } }),
    );
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(rendered.html).toContain('Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;');
  });

  it('adds a calendar request to a confirmation and a cancellation with the same UID and a higher SEQUENCE, read back by an independent parser', () => {
    const parse = (text: string) => {
      const calendar = new ICAL.Component(ICAL.parse(text));
      const event = calendar.getFirstSubcomponent('vevent')!;
      const time = (name: string) => (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
      return {
        method: calendar.getFirstPropertyValue('method'),
        uid: event.getFirstPropertyValue('uid'),
        sequence: Number(event.getFirstPropertyValue('sequence')),
        status: event.getFirstPropertyValue('status'),
        start: time('dtstart'),
        end: time('dtend'),
        utc: (event.getFirstPropertyValue('dtstart') as ICAL.Time).zone?.tzid,
        organizer: String(event.getFirstPropertyValue('organizer')).toLowerCase(),
        attendee: String(event.getFirstPropertyValue('attendee')).toLowerCase(),
        zone: calendar.getFirstPropertyValue('x-wr-timezone'),
      };
    };
    const request = renderMessage(input('booking.confirmed', 'en')).calendar!;
    const cancel = renderMessage(input('booking.released', 'en')).calendar!;
    expect(request.method).toBe('REQUEST');
    expect(parse(request.content)).toEqual({
      method: 'REQUEST',
      uid: calendarUid(booking.bookingId),
      sequence: 0,
      status: 'CONFIRMED',
      start: booking.start,
      end: booking.end,
      utc: 'UTC',
      organizer: 'mailto:desk@plass.example',
      attendee: 'mailto:kari@example.test',
      zone: 'Europe/Oslo',
    });
    expect(parse(cancel.content)).toMatchObject({ method: 'CANCEL', uid: calendarUid(booking.bookingId), sequence: 1, status: 'CANCELLED', start: booking.start });
    expect(renderMessage(input('booking.reminder', 'en')).calendar).toBeUndefined();
    expect(renderMessage(input('user.invited', 'en')).calendar).toBeUndefined();
    expect(bookingCalendar({ ...booking, method: 'REQUEST', sequence: 0, summary: 'x', location: 'y', organizer: { name: 'a', email: 'a@b.test' }, stamp: booking.start })).toContain('X-PLASS-TZID:Europe/Oslo');
  });
});
