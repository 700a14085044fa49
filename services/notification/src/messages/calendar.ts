import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
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

/**
 * One booking as an iTIP entry. Times stay in UTC: ical-generator writes a TZID'd time in the host's
 * zone for a plain Date, so the location's zone travels as X-WR-TIMEZONE (the display zone calendar
 * clients honour), as X-PLASS-TZID on the event itself, and in the description.
 */
export function bookingCalendar(options: CalendarEntry): string {
  // A CN parameter cannot hold a double quote (RFC 5545 §3.2), and ical-generator backslash-escapes it, which parsers cut short.
  const person = ({ name, email }: { name: string; email: string }) => ({ name: name.replaceAll('"', "'"), email });
  const calendar = ical({
    prodId: { company: 'plass', product: 'notification', language: 'EN' },
    method: options.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    x: [['X-WR-TIMEZONE', options.timeZone]],
  });
  calendar.createEvent({
    id: calendarUid(options.bookingId),
    sequence: options.sequence,
    stamp: instant(options.stamp),
    start: instant(options.start),
    end: instant(options.end),
    summary: options.summary,
    description: options.description?.includes(options.timeZone) ? options.description : [options.description, `(${options.timeZone})`].filter(Boolean).join('\n'),
    location: options.location || null,
    url: options.url ?? null,
    status: options.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: person(options.organizer),
    // Accepted and no RSVP: the booking is already made, so no client should ask the booker to reply to a no-reply sender.
    attendees: options.attendee ? [{ ...person(options.attendee), role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.ACCEPTED, rsvp: false }] : [],
    x: [['X-PLASS-TZID', options.timeZone]],
  });
  return calendar.toString();
}
