import type { DomainEvent } from '@plass/contracts';
import type { Interval } from './intervals.js';

/** A booker's bookings that still count against their limits (removed when cancelled or released). */
export interface Ledger {
  bookings: Readonly<Record<string, Interval & { spaceId?: string }>>;
}

export const initialLedger: Ledger = { bookings: {} };

export function evolveLedger(state: Ledger, event: DomainEvent): Ledger {
  switch (event.type) {
    case 'LedgerBookingAdded': {
      const { bookingId, spaceId, start, end } = event.data;
      return { bookings: { ...state.bookings, [bookingId]: { start, end, ...(spaceId === undefined ? {} : { spaceId }) } } };
    }
    case 'LedgerBookingRemoved': {
      const { [event.data.bookingId]: _removed, ...bookings } = state.bookings;
      return { bookings };
    }
    default:
      return state;
  }
}
