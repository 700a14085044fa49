import { domainError, type DomainEvent } from '@plass/contracts';
import { MINUTE, isAdmin, nothing, refuse, type Actor, type BookingDecision } from './booking-decision.js';
import type { Policy } from './policy.js';
import type { Schedule } from './schedule.js';

export interface CheckIn {
  bookingId: string;
  now: string;
  actor: Actor;
}

/** How early before its start a booking may be checked into. */
export const CHECK_IN_OPENS_MINUTES = 15;

/**
 * Check-in is open in [start − 15 min, end), and closes early once a no-show release is due
 * (start + grace), so the answer does not depend on when the release job happens to run.
 * Checking in twice succeeds without events; a cancelled or released booking is not found.
 * Only the schedule stream is written.
 */
export function decideCheckIn(command: CheckIn, inputs: { schedule: Schedule; policy: Policy }): BookingDecision {
  const booking = inputs.schedule.bookings.get(command.bookingId);
  if (!booking || booking.status === 'cancelled' || booking.status === 'released') {
    return refuse(domainError('booking.not_found', 'no such booking'));
  }
  if (booking.bookedBy !== command.actor.userId && !isAdmin(command.actor)) {
    return refuse(domainError('auth.forbidden', 'only the booker or an admin checks in'));
  }
  if (booking.status === 'checked_in') return nothing();
  const now = Date.parse(command.now);
  const start = Date.parse(booking.start);
  const grace = inputs.policy.checkInGraceMinutes;
  const closes = grace > 0 ? Math.min(Date.parse(booking.end), start + grace * MINUTE) : Date.parse(booking.end);
  if (now < start - CHECK_IN_OPENS_MINUTES * MINUTE || now >= closes) {
    return refuse(domainError('booking.not_checkin_time', 'check-in is not open now'));
  }
  const checkedIn: DomainEvent = { type: 'BookingCheckedIn', data: { bookingId: booking.id, spaceId: booking.spaceId, start: booking.start, end: booking.end } };
  return { ok: true, events: { schedule: [checkedIn], ledger: [], occupancy: { days: [], events: [] } } };
}
