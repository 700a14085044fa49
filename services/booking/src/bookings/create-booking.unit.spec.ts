import { deciderSpec } from '@plass/testing';
import type { Decision, DomainEvent } from '@plass/contracts';
import type { Space } from '../spaces/space.js';
import { evolveBooking, initialBooking, type Booking } from './booking.js';
import { decideCreateBooking, type CreateBooking } from './create-booking.js';
import { bookingKeyPeriod } from './key-period.js';

const spec = deciderSpec<CreateBooking, DomainEvent, Booking, { code: string }>({
  initialState: initialBooking,
  evolve: evolveBooking,
  decide: (command: CreateBooking, state: Booking): Decision => decideCreateBooking(command, state),
});

const spaceId = '6f1c7d2e-8a4b-4c3d-9e5f-0a1b2c3d4e5f';
const bookingId = '0b7e3f5a-1c2d-4e6f-8a9b-c0d1e2f3a4b5';
const bookedBy = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const room: Space = { status: 'active', id: spaceId, name: 'Fjord', kind: 'room' };
const request = { bookingId, spaceId, bookedBy, start: '2026-12-01T09:00:00+01:00', end: '2026-12-01T10:30:00+01:00', subject: 'Planning' };

describe('CreateBooking', () => {
  it('confirms a booking of an existing space, storing times in UTC', () => {
    spec
      .given([])
      .when({ type: 'CreateBooking', data: request, space: room })
      .then([
        {
          type: 'BookingConfirmed',
          data: { bookingId, spaceId, kind: 'room', bookedBy, subject: 'Planning', start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T09:30:00.000Z' },
        },
      ]);
  });

  it('leaves the subject out when none is given', () => {
    const { subject: _none, ...withoutSubject } = request;
    const outcome = spec.given([]).when({ type: 'CreateBooking', data: withoutSubject, space: room }).outcome;
    expect(outcome.ok && 'subject' in outcome.events[0]!.data).toBe(false);
  });

  it('refuses a space that does not exist', () => {
    spec.given([]).when({ type: 'CreateBooking', data: request, space: { status: 'none' } }).thenFails({ code: 'space.not_found' });
  });

  it('refuses a space other than the one requested', () => {
    const other: Space = { ...room, id: bookedBy };
    spec.given([]).when({ type: 'CreateBooking', data: request, space: other }).thenFails({ code: 'space.not_found' });
  });

  it('refuses an end that is not after the start (half-open intervals: equal is empty)', () => {
    spec
      .given([])
      .when({ type: 'CreateBooking', data: { ...request, end: request.start }, space: room })
      .thenFails({ code: 'validation.failed' });
  });

  it('refuses to confirm the same booking twice', () => {
    const confirmed = spec.given([]).when({ type: 'CreateBooking', data: request, space: room }).outcome;
    if (!confirmed.ok) throw new Error('expected a confirmation');
    spec.given(confirmed.events).when({ type: 'CreateBooking', data: request, space: room }).thenFails({ code: 'booking.conflict' });
  });
});

describe('bookingKeyPeriod', () => {
  it.each([
    ['2026-12-01T08:00:00Z', '2026-W49'],
    ['2027-01-01T00:30:00+01:00', '2026-W53'],
    ['2021-01-03T12:00:00Z', '2020-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
  ])('puts %s in ISO week %s (UTC)', (start, week) => {
    expect(bookingKeyPeriod(start)).toBe(week);
  });
});
