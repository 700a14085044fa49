import { describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { booking, message } from './test-fixtures.js';
import { bookingCalendar, calendarUid, renderMessage, type CalendarEntry, type MailKind } from './index.js';

/** The entry as an independent parser reads it. */
function read(content: string) {
  const calendar = ICAL.Component.fromString(content);
  const [event, ...more] = calendar.getAllSubcomponents('vevent');
  if (!event || more.length > 0) throw new Error('expected exactly one VEVENT');
  const time = (name: string) => {
    const value = event.getFirstPropertyValue(name) as ICAL.Time;
    return { at: value.toJSDate().toISOString(), zone: value.zone?.tzid };
  };
  const person = (name: string) => {
    const property = event.getFirstProperty(name);
    return property
      ? { address: String(property.getFirstValue()).replace(/^mailto:/i, 'mailto:'), cn: property.getParameter('cn'), partstat: property.getParameter('partstat') }
      : undefined;
  };
  return {
    method: calendar.getFirstPropertyValue('method'),
    zone: calendar.getFirstPropertyValue('x-wr-timezone'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: event.getFirstPropertyValue('status'),
    stamp: time('dtstamp'),
    start: time('dtstart'),
    end: time('dtend'),
    eventZone: event.getFirstPropertyValue('x-plass-tzid'),
    summary: event.getFirstPropertyValue('summary'),
    location: event.getFirstPropertyValue('location'),
    description: event.getFirstPropertyValue('description'),
    url: event.getFirstPropertyValue('url'),
    organizer: person('organizer'),
    attendees: event.getAllProperties('attendee').length,
    attendee: person('attendee'),
  };
}

const calendarOf = (kind: MailKind) => renderMessage(message(kind)).calendar;

describe('the calendar part', () => {
  it('of a confirmation is a REQUEST at SEQUENCE 0 in UTC, with the location’s zone named, from the sender to the recipient', () => {
    const calendar = calendarOf('booking.confirmed')!;
    expect(calendar.method).toBe('REQUEST');
    expect(calendar.content).toContain('DTSTART:20261208T080000Z');
    expect(calendar.content).toContain('DTEND:20261208T160000Z');
    expect(read(calendar.content)).toEqual({
      method: 'REQUEST',
      zone: 'Europe/Oslo',
      uid: `${booking.bookingId}@plass`,
      sequence: 0,
      status: 'CONFIRMED',
      stamp: { at: '2026-12-01T10:00:00.000Z', zone: 'UTC' },
      start: { at: booking.start, zone: 'UTC' },
      end: { at: booking.end, zone: 'UTC' },
      eventZone: 'Europe/Oslo',
      summary: 'Desk 4.12',
      location: 'Oslo HQ, 4, North',
      description: `Your booking is confirmed.\n\nWhen: Tuesday, 8 December 2026, 09:00–17:00 (Europe/Oslo)\nView booking: https://plass.example.com/bookings/${booking.bookingId}`,
      url: `https://plass.example.com/bookings/${booking.bookingId}`,
      organizer: { address: 'mailto:no-reply@plass.example.com', cn: 'Acme Desks', partstat: undefined },
      attendees: 1,
      attendee: { address: 'mailto:kari@example.test', cn: 'Kari Nordmann', partstat: 'ACCEPTED' },
    });
  });

  it.each(['booking.cancelled', 'booking.released'] as const)('of %s cancels the same entry with a higher SEQUENCE', (kind) => {
    const request = read(calendarOf('booking.confirmed')!.content);
    const calendar = calendarOf(kind)!;
    expect(calendar.method).toBe('CANCEL');
    const cancel = read(calendar.content);
    expect(cancel).toMatchObject({
      method: 'CANCEL',
      uid: request.uid,
      status: 'CANCELLED',
      start: request.start,
      end: request.end,
      organizer: request.organizer,
      attendee: request.attendee,
    });
    expect(cancel.sequence).toBeGreaterThan(request.sequence);
  });

  it('is absent from a reminder and an invitation', () => {
    expect(calendarOf('booking.reminder')).toBeUndefined();
    expect(calendarOf('user.invited')).toBeUndefined();
  });
});

describe('a booking calendar entry', () => {
  const entry: CalendarEntry = {
    bookingId: booking.bookingId,
    method: 'REQUEST',
    sequence: 0,
    start: booking.start,
    end: booking.end,
    timeZone: 'Europe/Berlin',
    summary: 'Raum "Süd"; Ecke, links',
    location: 'Berlin Mitte, 3',
    organizer: { name: 'Müller, Schmidt & Co; "Empfang"', email: 'empfang@plass.example.com' },
    stamp: '2026-12-01T10:00:00.000Z',
  };

  it('keeps text with quotes, commas, semicolons and non-ASCII letters intact (a name’s double quotes become single), in lines folded to 75 octets', () => {
    const long = 'Bitte den Schlüssel am Empfang abholen, danach im dritten Stock links; Ausweis nicht vergessen. '.repeat(3);
    const content = bookingCalendar({ ...entry, description: `${long}(Europe/Berlin)`, attendee: { name: 'Jürgen Ölmann', email: 'j@example.test' } });
    for (const line of content.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const parsed = read(content);
    expect(parsed.summary).toBe(entry.summary);
    expect(parsed.description).toBe(`${long}(Europe/Berlin)`);
    expect(parsed.organizer).toEqual({ address: 'mailto:empfang@plass.example.com', cn: "Müller, Schmidt & Co; 'Empfang'", partstat: undefined });
    expect(parsed.attendee?.cn).toBe('Jürgen Ölmann');
  });

  it('keeps a line break in a text or a name inside its own property: no text can add a property of its own', () => {
    const content = bookingCalendar({
      ...entry,
      summary: 'Desk 1\r\nATTENDEE:mailto:intruder@example.test',
      location: 'Floor 2\rSTATUS:CANCELLED',
      attendee: { name: 'Kari\r\nATTENDEE:mailto:intruder@example.test', email: 'kari@example.test' },
    });
    const parsed = read(content);
    expect(parsed.attendees).toBe(1);
    expect(parsed.attendee?.address).toBe('mailto:kari@example.test');
    expect(parsed.status).toBe('CONFIRMED');
    expect(parsed.summary).toBe('Desk 1\nATTENDEE:mailto:intruder@example.test');
    expect(parsed.location).toBe('Floor 2\nSTATUS:CANCELLED');
    expect(content).not.toMatch(/\r\nATTENDEE:mailto:intruder/);
  });

  it('names the zone in the description when the caller wrote none, and may have no attendee', () => {
    const parsed = read(bookingCalendar(entry));
    expect(parsed.description).toBe('(Europe/Berlin)');
    expect(parsed.attendees).toBe(0);
    expect(parsed.zone).toBe('Europe/Berlin');
  });

  it('has a UID of the booking alone, so every version of it is one entry', () => {
    expect(calendarUid('b-1')).toBe('b-1@plass');
    expect(read(bookingCalendar({ ...entry, method: 'CANCEL', sequence: 1 })).uid).toBe(read(bookingCalendar(entry)).uid);
  });
});
