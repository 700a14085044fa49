import type { DomainEvent } from '@plass/contracts';
import { interned } from './interned.js';
import { Keyed } from './keyed.js';
import { evolveSpace, initialSpace, type Space } from './space.js';

export type ScheduledBookingStatus = 'confirmed' | 'checked_in' | 'cancelled' | 'released';

/**
 * `bookedBy` is the booker as the loader decrypted it, or `''` where it did not: the decider
 * compares it with the actor.
 */
export interface ScheduledBooking {
  id: string;
  spaceId: string;
  status: ScheduledBookingStatus;
  start: string;
  end: string;
  bookedBy: string;
  /** Where its BookingConfirmed is in the space's stream (revision), when folded from the store. */
  confirmedAt?: number | undefined;
}

/** A space's stream: the space itself and every booking of it. */
export interface Schedule {
  space: Space;
  bookings: Keyed<ScheduledBooking>;
}

export const initialSchedule: Schedule = { space: initialSpace, bookings: Keyed.empty() };

/** Bookings that hold the space: cancelled and released ones have given it back. */
export const holdsSpace = (booking: ScheduledBooking): boolean => booking.status === 'confirmed' || booking.status === 'checked_in';

const withStatus = (state: Schedule, bookingId: string, status: ScheduledBookingStatus): Schedule => {
  const booking = state.bookings.get(bookingId);
  return booking ? { ...state, bookings: state.bookings.set(bookingId, { ...booking, status }) } : state;
};

/** `recorded.revision`: the event's in the space's stream, kept as a booking's `confirmedAt`. */
export function evolveSchedule(state: Schedule, event: DomainEvent, recorded?: { revision: number }): Schedule {
  switch (event.type) {
    case 'SpaceCreated':
    case 'SpaceUpdated':
    case 'SpaceDisabled':
      return { ...state, space: evolveSpace(state.space, event) };
    case 'BookingConfirmed': {
      const { bookingId: id, spaceId, start, end, bookedBy } = event.data;
      // Always the same fields, so every entry keeps them inside the object (~40 bytes less each).
      const booking: ScheduledBooking = {
        id,
        spaceId: interned(spaceId),
        status: 'confirmed',
        start: interned(start),
        end: interned(end),
        bookedBy,
        confirmedAt: recorded?.revision,
      };
      return { ...state, bookings: state.bookings.set(id, booking) };
    }
    case 'BookingCheckedIn':
      return withStatus(state, event.data.bookingId, 'checked_in');
    case 'BookingCancelled':
      return withStatus(state, event.data.bookingId, 'cancelled');
    case 'BookingReleasedAsNoShow':
      return withStatus(state, event.data.bookingId, 'released');
    default:
      return state;
  }
}
