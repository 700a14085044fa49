import type { DomainEvent } from '@plass/contracts';
import type { Interval } from './intervals.js';
import { Keyed } from './keyed.js';

/**
 * A location's bookings on one or more local days. A booking spanning days is recorded in each
 * day's stream; folding several days keys it by id, so it counts once.
 */
export interface Occupancy {
  bookings: Keyed<Interval & { spaceId: string }>;
}

export const initialOccupancy: Occupancy = { bookings: Keyed.empty() };

export function evolveOccupancy(state: Occupancy, event: DomainEvent): Occupancy {
  switch (event.type) {
    case 'OccupancyAdded': {
      const { bookingId, spaceId, start, end } = event.data;
      return { bookings: state.bookings.set(bookingId, { spaceId: spaceId, start: start, end: end }) };
    }
    case 'OccupancyRemoved':
      return { bookings: state.bookings.remove(event.data.bookingId) };
    default:
      return state;
  }
}
