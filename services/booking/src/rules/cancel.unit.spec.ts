import type { DomainEvent } from '@plass/contracts';
import { decideCancel, type CancelBooking } from './cancel.js';
import { admin, bookingSpec, colleague, confirmed, deskCreated, employee, ids, ledgerAdded, occupied, osloOffice } from './test-fixtures.js';

const spec = bookingSpec(decideCancel);
const start = '2026-03-02T08:00:00.000Z';
const end = '2026-03-02T09:00:00.000Z';
const slot = { bookingId: ids.booking, spaceId: ids.space, start, end };
const booked = {
  schedule: [deskCreated(), confirmed(ids.booking, start, end, ids.booker)],
  location: [osloOffice()],
  ledger: [ledgerAdded(ids.booking, start, end)],
  occupancy: [occupied(ids.booking, start, end, ids.space)],
};
const cancel = (now: string, actor = employee): CancelBooking => ({ bookingId: ids.booking, now, actor });
const withCutoff = (minutes: number): DomainEvent[] => [{ type: 'BookingPolicyChanged', data: { cancellationCutoffMinutes: minutes } }];

describe('CancelBooking', () => {
  it('frees the slot, the booker’s ledger entry and the location’s occupancy', () => {
    spec
      .given(booked)
      .when(cancel('2026-03-02T07:00:00Z'))
      .then({
        schedule: [{ type: 'BookingCancelled', data: slot }],
        ledger: [{ type: 'LedgerBookingRemoved', data: { bookingId: ids.booking } }],
        occupancy: { days: ['2026-03-02'], events: [{ type: 'OccupancyRemoved', data: { bookingId: ids.booking } }] },
      });
  });

  it('removes the occupancy from every local day of an overnight booking', () => {
    const nightStart = '2026-03-02T22:00:00.000Z';
    const nightEnd = '2026-03-03T02:00:00.000Z';
    const outcome = spec
      .given({
        ...booked,
        schedule: [deskCreated(), confirmed(ids.booking, nightStart, nightEnd, ids.booker)],
        occupancy: [occupied(ids.booking, nightStart, nightEnd, ids.space)],
      })
      .when(cancel('2026-03-02T07:00:00Z')).outcome;
    expect(outcome.ok && outcome.events.occupancy.days).toEqual(['2026-03-02', '2026-03-03']);
  });

  it('writes no ledger or occupancy events where the booking is not recorded', () => {
    spec
      .given({ ...booked, ledger: [], occupancy: [] })
      .when(cancel('2026-03-02T07:00:00Z'))
      .then({ schedule: [{ type: 'BookingCancelled', data: slot }] });
  });

  it('accepts cancelling exactly at the cutoff and refuses a minute later', () => {
    spec
      .given({ ...booked, policy: withCutoff(60) })
      .when(cancel('2026-03-02T07:00:00Z'))
      .thenAccepted();
    spec
      .given({ ...booked, policy: withCutoff(60) })
      .when(cancel('2026-03-02T07:01:00Z'))
      .thenFails({ code: 'booking.cancellation_too_late', details: { cancellationCutoffMinutes: 60 } });
  });

  it('with no cutoff, accepts cancelling exactly at the start and refuses once it runs', () => {
    spec.given(booked).when(cancel(start)).thenAccepted();
    spec.given(booked).when(cancel('2026-03-02T08:00:00.001Z')).thenFails({ code: 'booking.cancellation_too_late' });
  });

  it('exempts admins from the cutoff unless the policy says otherwise', () => {
    spec
      .given({ ...booked, policy: withCutoff(60) })
      .when(cancel('2026-03-02T08:30:00Z', admin))
      .thenAccepted();
    spec
      .given({ ...booked, policy: [...withCutoff(60), { type: 'BookingPolicyChanged', data: { adminsExempt: false } }] })
      .when(cancel('2026-03-02T08:30:00Z', admin))
      .thenFails({ code: 'booking.cancellation_too_late' });
  });

  it('refuses a booking that has finished, from its end on, to admins too', () => {
    spec.given(booked).when(cancel(end, admin)).thenFails({ code: 'booking.already_finished' });
    spec.given(booked).when(cancel('2026-03-02T08:59:59Z', admin)).thenAccepted();
  });

  it('answers cancelling a cancelled or released booking with no events', () => {
    spec
      .given({ ...booked, schedule: [...booked.schedule, { type: 'BookingCancelled', data: slot }] })
      .when(cancel(end))
      .thenNothing();
    spec
      .given({ ...booked, schedule: [...booked.schedule, { type: 'BookingReleasedAsNoShow', data: slot }] })
      .when(cancel(end))
      .thenNothing();
  });

  it('refuses an unknown booking and anyone but the booker or an admin', () => {
    spec
      .given({ ...booked, schedule: [deskCreated()] })
      .when(cancel('2026-03-02T07:00:00Z'))
      .thenFails({ code: 'booking.not_found' });
    spec.given(booked).when(cancel('2026-03-02T07:00:00Z', colleague)).thenFails({ code: 'auth.forbidden' });
  });
});
