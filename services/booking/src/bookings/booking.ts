import type { DomainEvent, SpaceKind } from '@plass/contracts';

/** What the decider needs of a booking: clear fields only — personal fields stay sealed on load. */
export type Booking =
  | { status: 'none' }
  | { status: 'confirmed'; id: string; spaceId: string; kind: SpaceKind; start: string; end: string };

export const initialBooking: Booking = { status: 'none' };

export function evolveBooking(state: Booking, event: DomainEvent): Booking {
  switch (event.type) {
    case 'BookingConfirmed': {
      const { bookingId, spaceId, kind, start, end } = event.data;
      return { status: 'confirmed', id: bookingId, spaceId, kind, start, end };
    }
    default:
      return state;
  }
}

export const bookingStream = (tenantId: string, bookingId: string) => `booking-${tenantId}-${bookingId}`;
