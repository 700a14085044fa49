import { nothing, type BookingDecision } from './booking-decision.js';
import type { CancelInputs } from './cancel.js';
import { giveBack } from './give-back.js';
import { holdsSpace } from './schedule.js';

export interface CancelForErasure {
  bookingId: string;
  /** The person being erased: only their bookings are cancelled. */
  subjectId: string;
  now: string;
}

/**
 * Erasure gives back every booking of the person that has not ended, a running one too, whatever
 * the cancellation cutoff: once their keys are gone no booking may hold a space for nobody.
 * Finished, already given back, or someone else's: no events, so the saga may retry.
 */
export function decideCancelForErasure(command: CancelForErasure, inputs: CancelInputs): BookingDecision {
  const booking = inputs.schedule.bookings.get(command.bookingId);
  if (!booking || booking.bookedBy !== command.subjectId || !holdsSpace(booking)) return nothing();
  if (Date.parse(command.now) >= Date.parse(booking.end)) return nothing();
  const { id: bookingId, spaceId, start, end } = booking;
  return { ok: true, events: giveBack(booking, { type: 'BookingCancelled', data: { bookingId, spaceId, start, end, reason: 'erasure' } }, inputs) };
}
