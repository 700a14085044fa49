import type { DomainEvent } from '@plass/contracts';
import type { Evolver } from '@plass/eventstore';
import { evolveSchedule, initialSchedule, type Schedule } from './rules/index.js';

/**
 * A space's schedule as cached (ADR 0009): each booking without its booker, who is stored sealed
 * with their booking key. Kept in the cache, that seal was an object with its own IV and
 * ciphertext strings, ~180 bytes of heap per booking, read only by cancel, check-in, release and
 * erasure; they read it from the booking's BookingConfirmed at `confirmedAt` (BookingsApp's
 * `withBooker`). Weighed by its bookings: the cache's bound on entries (ADR 0009) counts them.
 */
export const scheduleEvolver: Evolver<Schedule> = {
  initial: initialSchedule,
  evolve: (state, event) => {
    const data = event.type === 'BookingConfirmed' ? { ...(event.data as object), bookedBy: '' } : event.data;
    return evolveSchedule(state, { type: event.type, data } as DomainEvent, event);
  },
  weigh: (schedule) => schedule.bookings.size + 1,
};
