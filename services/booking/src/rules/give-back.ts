import type { DomainEvent } from '@plass/contracts';
import { locationOf, type BookingWrites } from './booking-decision.js';
import type { Ledger } from './ledger.js';
import { localDays } from './local-time.js';
import type { Location } from './location.js';
import type { Occupancy } from './occupancy.js';
import type { Schedule, ScheduledBooking } from './schedule.js';

/**
 * A booking that gives its space back (cancelled, released) leaves the booker's ledger and the
 * location's occupancy — each only where it is recorded, so a shredded ledger or a capacity set
 * after the booking was made adds no stray events, and a capacity lifted since still cleans up.
 */
export function giveBack(booking: ScheduledBooking, event: DomainEvent, inputs: { schedule: Schedule; location: Location; ledger: Ledger; occupancy: Occupancy }): BookingWrites {
  const recorded = inputs.occupancy.bookings.has(booking.id);
  return {
    schedule: [event],
    ledger: inputs.ledger.bookings.has(booking.id) ? [{ type: 'LedgerBookingRemoved', data: { bookingId: booking.id } }] : [],
    occupancy: recorded ? { days: bookedOccupancyDays(booking, inputs), events: [{ type: 'OccupancyRemoved', data: { bookingId: booking.id } }] } : { days: [], events: [] },
  };
}

/**
 * The occupancy streams (local days) an existing booking may be recorded in — what a cancel or
 * release reads before deciding. Every day of a located space, whatever its capacity now.
 */
export function bookedOccupancyDays(booking: ScheduledBooking, inputs: { schedule: Schedule; location: Location }): string[] {
  const location = locationOf(inputs.schedule.space, inputs.location);
  return location ? localDays(booking.start, booking.end, location.timezone) : [];
}
