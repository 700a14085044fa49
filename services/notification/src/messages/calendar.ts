import ical, { ICalCalendarMethod, ICalEventStatus, ICalAttendeeRole, ICalAttendeeStatus } from 'ical-generator';

export const calendarUid = (bookingId: string) => `${bookingId}@plass`;

export interface CalendarEntry {
  bookingId: string;
  method: 'REQUEST' | 'CANCEL';
  /** 0 for the booking, higher for each update of it (a cancellation or release is 1). */
  sequence: number;
  start: string;
  end: string;
  /** The location's zone: named in the calendar (X-WR-TIMEZONE) and the description; the times themselves are UTC. */
  timeZone: string;
  summary: string;
  description?: string;
  location: string;
  organizer: { name: string; email: string };
  attendee?: { name: string; email: string };
  url?: string;
  /** DTSTAMP: when this entry was made. */
  stamp: string;
}

/** An RFC 5545 calendar with one event: the booking, or its cancellation (same UID, higher SEQUENCE). */
export function bookingCalendar(entry: CalendarEntry): string {
  const calendar = ical({ prodId: { company: 'plass', product: 'plass', language: 'EN' }, method: entry.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL });
  calendar.x([{ key: 'X-WR-TIMEZONE', value: entry.timeZone }]);
  const event = calendar.createEvent({
    id: calendarUid(entry.bookingId),
    sequence: entry.sequence,
    start: new Date(entry.start),
    end: new Date(entry.end),
    stamp: new Date(entry.stamp),
    summary: entry.summary,
    location: entry.location,
    description: [entry.description, `(${entry.timeZone})`].filter(Boolean).join('\n'),
    organizer: { name: entry.organizer.name, email: entry.organizer.email },
    status: entry.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(entry.url ? { url: entry.url } : {}),
  });
  event.x([{ key: 'X-PLASS-TZID', value: entry.timeZone }]);
  if (entry.attendee) {
    event.createAttendee({ name: entry.attendee.name, email: entry.attendee.email, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.ACCEPTED });
  }
  return calendar.toString();
}
