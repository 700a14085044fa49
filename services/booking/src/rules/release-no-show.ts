import { domainError } from '@plass/contracts';
import { MINUTE, nothing, refuse, type BookingDecision } from './booking-decision.js';
import type { CancelInputs } from './cancel.js';
import { giveBack } from './give-back.js';

export interface ReleaseNoShow {
  bookingId: string;
  now: string;
}

/**
 * Due when no-show release is on (grace > 0), the booking is still only confirmed, and
 * now ≥ start + grace. Anything else answers with no events, so the job may run early, late or twice.
 */
export function decideReleaseNoShow(command: ReleaseNoShow, inputs: CancelInputs): BookingDecision {
  const booking = inputs.schedule.bookings.get(command.bookingId);
  if (!booking) return refuse(domainError('booking.not_found', 'no such booking'));
  const grace = inputs.policy.checkInGraceMinutes;
  const due = grace > 0 && booking.status === 'confirmed' && Date.parse(command.now) >= Date.parse(booking.start) + grace * MINUTE;
  if (!due) return nothing();
  const { id: bookingId, spaceId, start, end } = booking;
  return { ok: true, events: giveBack(booking, { type: 'BookingReleasedAsNoShow', data: { bookingId, spaceId, start, end } }, inputs) };
}
