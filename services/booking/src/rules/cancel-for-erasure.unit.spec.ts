import type { DomainEvent } from '@plass/contracts';
import { decideCancelForErasure } from './cancel-for-erasure.js';
import { bookingSpec, confirmed, deskCreated, ids, ledgerAdded, occupied, osloOffice } from './test-fixtures.js';

const spec = bookingSpec(decideCancelForErasure);
const start = '2026-03-02T08:00:00.000Z';
const end = '2026-03-02T09:00:00.000Z';
const booked = {
  schedule: [deskCreated(), confirmed(ids.booking, start, end, ids.booker)],
  location: [osloOffice()],
  ledger: [ledgerAdded(ids.booking, start, end)],
  occupancy: [occupied(ids.booking, start, end, ids.space)],
};
const erase = (now: string, subjectId = ids.booker) => ({ bookingId: ids.booking, subjectId, now });
const then = (...events: DomainEvent[]) => ({ ...booked, schedule: [...booked.schedule, ...events] });

describe('CancelForErasure', () => {
  it('cancels the erased person’s upcoming booking with the reason, freeing ledger and occupancy', () => {
    spec
      .given(booked)
      .when(erase('2026-03-01T12:00:00Z'))
      .then({
        schedule: [{ type: 'BookingCancelled', data: { bookingId: ids.booking, spaceId: ids.space, start, end, reason: 'erasure' } }],
        ledger: [{ type: 'LedgerBookingRemoved', data: { bookingId: ids.booking } }],
        occupancy: { days: ['2026-03-02'], events: [{ type: 'OccupancyRemoved', data: { bookingId: ids.booking } }] },
      });
  });

  it('ignores the cancellation cutoff', () => {
    const cutoff: DomainEvent = { type: 'BookingPolicyChanged', data: { cancellationCutoffMinutes: 24 * 60, adminsExempt: false } };
    spec
      .given({ ...booked, policy: [cutoff] })
      .when(erase('2026-03-02T07:59:00Z'))
      .thenAccepted();
  });

  it('cancels a running booking, checked in or not, until its last millisecond', () => {
    spec.given(booked).when(erase('2026-03-02T08:30:00Z')).thenAccepted();
    spec
      .given(then({ type: 'BookingCheckedIn', data: { bookingId: ids.booking, spaceId: ids.space } }))
      .when(erase('2026-03-02T08:59:59.999Z'))
      .thenAccepted();
  });

  it('leaves a finished booking as it is', () => {
    spec.given(booked).when(erase(end)).thenNothing();
    spec.given(booked).when(erase('2026-03-05T00:00:00Z')).thenNothing();
  });

  it('does nothing for a booking already given back, so the saga may retry', () => {
    const cancelled: DomainEvent = { type: 'BookingCancelled', data: { bookingId: ids.booking, spaceId: ids.space, start, end, reason: 'erasure' } };
    spec.given(then(cancelled)).when(erase('2026-03-01T12:00:00Z')).thenNothing();
    const released: DomainEvent = { type: 'BookingReleasedAsNoShow', data: { bookingId: ids.booking, spaceId: ids.space, start, end } };
    spec.given(then(released)).when(erase('2026-03-02T08:30:00Z')).thenNothing();
  });

  it('never touches someone else’s booking or an unknown one', () => {
    spec.given(booked).when(erase('2026-03-01T12:00:00Z', ids.colleague)).thenNothing();
    spec
      .given({ ...booked, schedule: [deskCreated()] })
      .when(erase('2026-03-01T12:00:00Z'))
      .thenNothing();
  });
});
