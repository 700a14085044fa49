import { domainError } from '@plass/contracts';
import { MINUTE, exemptFromPolicy, isAdmin, nothing, refuse, type Actor, type BookingDecision } from './booking-decision.js';
import { giveBack } from './give-back.js';
import type { Ledger } from './ledger.js';
import type { Location } from './location.js';
import type { Occupancy } from './occupancy.js';
import type { Policy } from './policy.js';
import type { Schedule } from './schedule.js';

export interface CancelBooking {
  bookingId: string;
  now: string;
  actor: Actor;
}

/** `ledger` is the booker's; `occupancy` the fold of the booking's local days (see `occupancyDays`). */
export interface CancelInputs {
  schedule: Schedule;
  location: Location;
  ledger: Ledger;
  occupancy: Occupancy;
  policy: Policy;
}

/**
 * Cancelling a booking that is already cancelled or released changes nothing and succeeds, so a
 * retried request answers as the first did. Order: exists, who, already given back, finished, cutoff.
 */
export function decideCancel(command: CancelBooking, inputs: CancelInputs): BookingDecision {
  const booking = inputs.schedule.bookings.get(command.bookingId);
  if (!booking) return refuse(domainError('booking.not_found', 'no such booking'));
  if (booking.bookedBy !== command.actor.userId && !isAdmin(command.actor)) {
    return refuse(domainError('auth.forbidden', 'only the booker or an admin cancels a booking'));
  }
  if (booking.status === 'cancelled' || booking.status === 'released') return nothing();
  const now = Date.parse(command.now);
  if (now >= Date.parse(booking.end)) return refuse(domainError('booking.already_finished', 'the booking has already finished'));
  const cutoff = inputs.policy.cancellationCutoffMinutes;
  if (!exemptFromPolicy(command.actor, inputs.policy) && now > Date.parse(booking.start) - cutoff * MINUTE) {
    return refuse(domainError('booking.cancellation_too_late', 'it is too late to cancel this booking', { cancellationCutoffMinutes: cutoff }));
  }
  const { id: bookingId, spaceId, start, end } = booking;
  return { ok: true, events: giveBack(booking, { type: 'BookingCancelled', data: { bookingId, spaceId, start, end } }, inputs) };
}
