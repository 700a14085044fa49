import type { DomainEvent } from '@plass/contracts';
import type { Interval } from './intervals.js';
import { Keyed } from './keyed.js';

export type LedgerEntry = Interval & { spaceId?: string };

/** A booker's bookings that still count against their limits (removed when cancelled or released). */
export interface Ledger {
  bookings: Keyed<LedgerEntry>;
}

export const initialLedger: Ledger = { bookings: Keyed.empty() };

export function evolveLedger(state: Ledger, event: DomainEvent): Ledger {
  switch (event.type) {
    case 'LedgerBookingAdded': {
      const { bookingId, spaceId, start, end } = event.data;
      const entry: LedgerEntry = { start: start, end: end, ...(spaceId === undefined ? {} : { spaceId: spaceId }) };
      return { bookings: state.bookings.set(bookingId, entry) };
    }
    case 'LedgerBookingRemoved':
      return { bookings: state.bookings.remove(event.data.bookingId) };
    default:
      return state;
  }
}
