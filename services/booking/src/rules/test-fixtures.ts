import { expect } from '@jest/globals';
import type { DomainEvent } from '@plass/contracts';
import type { Actor, BookingDecision, BookingWrites } from './booking-decision.js';
import type { BookingInputs } from './book.js';
import { evolveLedger, initialLedger } from './ledger.js';
import { evolveLocation, initialLocation } from './location.js';
import { evolveOccupancy, initialOccupancy } from './occupancy.js';
import { evolvePolicy, initialPolicy } from './policy.js';
import { evolveSchedule, initialSchedule } from './schedule.js';

/** Shared by the rules specs only. */
export const ids = {
  location: '11111111-1111-4111-8111-111111111111',
  space: '22222222-2222-4222-8222-222222222222',
  otherSpace: '33333333-3333-4333-8333-333333333333',
  booking: '44444444-4444-4444-8444-444444444444',
  booker: '55555555-5555-4555-8555-555555555555',
  colleague: '66666666-6666-4666-8666-666666666666',
  admin: '77777777-7777-4777-8777-777777777777',
};

export const employee: Actor = { userId: ids.booker, roles: ['employee'] };
export const colleague: Actor = { userId: ids.colleague, roles: ['employee'] };
export const admin: Actor = { userId: ids.admin, roles: ['admin'] };

export const osloOffice = (overrides: Partial<{ timezone: string; bookableWeekdays: number[]; capacity: number }> = {}): DomainEvent => ({
  type: 'LocationCreated',
  data: { locationId: ids.location, name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5], capacity: 2, ...overrides },
});
export const deskCreated = (spaceId = ids.space, located = true): DomainEvent => ({
  type: 'SpaceCreated',
  data: { spaceId, name: 'Desk 4.12', kind: 'desk', ...(located ? { locationId: ids.location } : {}) },
});
export const confirmed = (bookingId: string, start: string, end: string, bookedBy = ids.colleague): DomainEvent => ({
  type: 'BookingConfirmed',
  data: { bookingId, spaceId: ids.space, kind: 'desk', start, end, bookedBy },
});
export const ledgerAdded = (bookingId: string, start: string, end: string): DomainEvent => ({
  type: 'LedgerBookingAdded',
  data: { bookingId, start, end },
});
export const occupied = (bookingId: string, start: string, end: string, spaceId = ids.otherSpace): DomainEvent => ({
  type: 'OccupancyAdded',
  data: { bookingId, spaceId, start, end },
});

/** A fresh booking id per call, so fixtures never collide. */
let counter = 0;
export const nextId = (): string => `aaaaaaaa-aaaa-4aaa-8aaa-${String(++counter).padStart(12, '0')}`;

export interface GivenStreams {
  schedule?: DomainEvent[];
  location?: DomainEvent[];
  ledger?: DomainEvent[];
  occupancy?: DomainEvent[];
  policy?: DomainEvent[];
}

const noWrites = (): BookingWrites => ({ schedule: [], ledger: [], occupancy: { days: [], events: [] } });

/** The streams folded as a booking decision sees them. */
export const inputsOf = (streams: GivenStreams): BookingInputs => ({
  schedule: (streams.schedule ?? []).reduce((state, event) => evolveSchedule(state, event), initialSchedule),
  location: (streams.location ?? []).reduce(evolveLocation, initialLocation),
  ledger: (streams.ledger ?? []).reduce(evolveLedger, initialLedger),
  occupancy: (streams.occupancy ?? []).reduce(evolveOccupancy, initialOccupancy),
  policy: (streams.policy ?? []).reduce(evolvePolicy, initialPolicy),
});

/** `given(streams).when(command).then(writes)` for the deciders that write several streams at once. */
export function bookingSpec<C>(decide: (command: C, inputs: BookingInputs) => BookingDecision) {
  return {
    given(streams: GivenStreams) {
      const inputs = inputsOf(streams);
      return {
        when(command: C) {
          const outcome = decide(command, inputs);
          return {
            outcome,
            then(writes: Partial<BookingWrites>) {
              expect(outcome).toEqual({ ok: true, events: { ...noWrites(), ...writes } });
            },
            thenNothing() {
              expect(outcome).toEqual({ ok: true, events: noWrites() });
            },
            thenAccepted() {
              expect(outcome.ok ? 'accepted' : outcome.error.code).toBe('accepted');
            },
            thenFails(error: { code: string; details?: Record<string, unknown> }) {
              expect(outcome.ok ? 'accepted' : outcome.error).toMatchObject(error);
            },
          };
        },
      };
    },
  };
}
