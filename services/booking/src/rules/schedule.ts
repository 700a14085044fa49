import type { DomainEvent } from '@plass/contracts';
import { Keyed } from './keyed.js';
import { evolveSpace, initialSpace, type Space } from './space.js';

export type ScheduledBookingStatus = 'confirmed' | 'checked_in' | 'cancelled' | 'released';

/**
 * `bookedBy` is the booker as the loader decrypted it: only the booking a command is about has
 * one (the decider compares it with the actor); the others are slots, known by their times.
 */
export interface ScheduledBooking {
  id: string;
  spaceId: string;
  status: ScheduledBookingStatus;
  start: string;
  end: string;
  bookedBy?: string | undefined;
}

/** What a decision sees of a space: the space itself and the bookings of the days it is about. */
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

export function evolveSchedule(state: Schedule, event: DomainEvent): Schedule {
  switch (event.type) {
    case 'SpaceCreated':
    case 'SpaceUpdated':
    case 'SpaceDisabled':
      return { ...state, space: evolveSpace(state.space, event) };
    case 'BookingConfirmed': {
      const { bookingId: id, spaceId, start, end, bookedBy } = event.data;
      const booking: ScheduledBooking = { id, spaceId, status: 'confirmed', start, end, bookedBy };
      return { ...state, bookings: state.bookings.set(id, booking) };
    }
    case 'BookingRescheduled': {
      // Editing a booking: the booking moves, its status and booker stay.
      const { bookingId: id, spaceId, start, end } = event.data;
      const booking = state.bookings.get(id);
      return booking ? { ...state, bookings: state.bookings.set(id, { ...booking, spaceId, start, end }) } : state;
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
