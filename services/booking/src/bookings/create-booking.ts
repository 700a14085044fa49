import { accept, domainError, reject, type Decision } from '@plass/contracts';
import type { Space } from '../spaces/space.js';
import type { Booking } from './booking.js';

export interface CreateBooking {
  type: 'CreateBooking';
  data: { bookingId: string; spaceId: string; start: string; end: string; bookedBy: string; subject?: string };
  /** The space as it stands when the booking is decided. */
  space: Space;
}

export function decideCreateBooking(command: CreateBooking, state: Booking): Decision {
  const { space, data } = command;
  if (state.status !== 'none') return reject(domainError('booking.conflict', 'the booking already exists'));
  if (space.status !== 'active' || space.id !== data.spaceId) return reject(domainError('space.not_found', 'no such space'));
  if (Date.parse(data.end) <= Date.parse(data.start)) {
    return reject(domainError('validation.failed', 'end must be after start', { errors: [{ path: 'end', message: 'must be after start' }] }));
  }
  return accept({
    type: 'BookingConfirmed',
    data: {
      bookingId: data.bookingId,
      spaceId: data.spaceId,
      kind: space.kind,
      start: new Date(data.start).toISOString(),
      end: new Date(data.end).toISOString(),
      bookedBy: data.bookedBy,
      ...(data.subject === undefined ? {} : { subject: data.subject }),
    },
  });
}
