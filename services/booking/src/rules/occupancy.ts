import type { DomainEvent } from '@plass/contracts';
import type { Interval } from './intervals.js';

/**
 * A location's bookings on one or more local days. A booking spanning days is recorded in each
 * day's stream; folding several days keys it by id, so it counts once.
 */
export interface Occupancy {
  bookings: Readonly<Record<string, Interval & { spaceId: string }>>;
}

export const initialOccupancy: Occupancy = { bookings: {} };

export function evolveOccupancy(state: Occupancy, event: DomainEvent): Occupancy {
  switch (event.type) {
    case 'OccupancyAdded': {
      const { bookingId, spaceId, start, end } = event.data;
      return { bookings: { ...state.bookings, [bookingId]: { spaceId, start, end } } };
    }
    case 'OccupancyRemoved': {
      const { [event.data.bookingId]: _removed, ...bookings } = state.bookings;
      return { bookings };
    }
    default:
      return state;
  }
}
