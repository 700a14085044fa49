import ICAL from 'ical.js';
import { instant } from './format.js';

export const calendarUid = (bookingId: string) => `${bookingId}@plass`;

export interface CalendarEntry {
  bookingId: string;
  method: 'REQUEST' | 'CANCEL';
  sequence: number;
  start: string;
  end: string;
  timeZone: string;
  summary: string;
  description?: string;
  location: string;
  organizer: { name: string; email: string };
  /** The booker; absent where the entry is downloaded rather than mailed. */
  attendee?: { name: string; email: string };
  url?: string;
  stamp: string;
}

// ical.js folds a line once it passes this many octets and starts each continuation with a space:
// 74 keeps continuations, too, within RFC 5545's 75 octets.
ICAL.foldLength = 74;

/** A text value on one logical line: ical.js escapes `\n`, and a lone `\r` must not end the line early. */
const text = (value: string) => value.replace(/\r\n?/g, '\n');

/**
 * A CN parameter cannot hold a double quote (RFC 5545 §3.2), which parsers cut short, nor control
 * characters: both become harmless look-alikes.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
const parameter = (value: string) => value.replaceAll('"', "'").replace(/[\u0000-\u001f\u007f]/g, ' ');

const utc = (iso: string) => ICAL.Time.fromJSDate(instant(iso), true);

/**
 * One booking as an iTIP entry, written with ical.js. Times stay in UTC; the location's zone
 * travels as X-WR-TIMEZONE (the display zone calendar clients honour), as X-PLASS-TZID on the event
 * itself, and in the description.
 */
export function bookingCalendar(options: CalendarEntry): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', '-//plass//notification//EN');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('method', options.method);
  calendar.addPropertyWithValue('x-wr-timezone', text(options.timeZone));

  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', calendarUid(options.bookingId));
  event.addPropertyWithValue('sequence', options.sequence);
  event.addPropertyWithValue('dtstamp', utc(options.stamp));
  event.addPropertyWithValue('dtstart', utc(options.start));
  event.addPropertyWithValue('dtend', utc(options.end));
  event.addPropertyWithValue('summary', text(options.summary));
  const description = options.description?.includes(options.timeZone) ? options.description : [options.description, `(${options.timeZone})`].filter(Boolean).join('\n');
  event.addPropertyWithValue('description', text(description));
  if (options.location) event.addPropertyWithValue('location', text(options.location));
  if (options.url) event.addPropertyWithValue('url', options.url);
  event.addPropertyWithValue('status', options.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  event.addPropertyWithValue('organizer', `mailto:${options.organizer.email}`).setParameter('cn', parameter(options.organizer.name));
  if (options.attendee) {
    const attendee = event.addPropertyWithValue('attendee', `mailto:${options.attendee.email}`);
    attendee.setParameter('cn', parameter(options.attendee.name));
    attendee.setParameter('role', 'REQ-PARTICIPANT');
    // Accepted and no RSVP: the booking is already made, so no client should ask the booker to reply to a no-reply sender.
    attendee.setParameter('partstat', 'ACCEPTED');
    attendee.setParameter('rsvp', 'FALSE');
  }
  event.addPropertyWithValue('x-plass-tzid', text(options.timeZone));
  calendar.addSubcomponent(event);
  return `${calendar.toString()}\r\n`;
}
