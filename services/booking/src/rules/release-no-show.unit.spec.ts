import type { DomainEvent } from '@plass/contracts';
import { decideReleaseNoShow } from './release-no-show.js';
import { bookingSpec, confirmed, deskCreated, ids, ledgerAdded, occupied, osloOffice } from './test-fixtures.js';

const spec = bookingSpec(decideReleaseNoShow);
const start = '2026-03-02T08:00:00.000Z';
const end = '2026-03-02T09:00:00.000Z';
const slot = { bookingId: ids.booking, spaceId: ids.space, start, end };
const booked = {
  schedule: [deskCreated(), confirmed(ids.booking, start, end, ids.booker)],
  location: [osloOffice()],
  ledger: [ledgerAdded(ids.booking, start, end)],
  occupancy: [occupied(ids.booking, start, end, ids.space)],
};
const release = (now: string) => ({ bookingId: ids.booking, now });
const then = (event: DomainEvent) => ({ ...booked, schedule: [...booked.schedule, event] });

describe('ReleaseNoShow', () => {
  it('releases exactly at start + grace, freeing the ledger and the occupancy', () => {
    spec
      .given(booked)
      .when(release('2026-03-02T08:15:00Z'))
      .then({
        schedule: [{ type: 'BookingReleasedAsNoShow', data: slot }],
        ledger: [{ type: 'LedgerBookingRemoved', data: { bookingId: ids.booking } }],
        occupancy: { days: ['2026-03-02'], events: [{ type: 'OccupancyRemoved', data: { bookingId: ids.booking } }] },
      });
  });

  it('does nothing a millisecond before it is due', () => {
    spec.given(booked).when(release('2026-03-02T08:14:59.999Z')).thenNothing();
  });

  it('does nothing for a booking checked in, cancelled or already released', () => {
    spec
      .given(then({ type: 'BookingCheckedIn', data: { bookingId: ids.booking, spaceId: ids.space } }))
      .when(release(end))
      .thenNothing();
    spec
      .given(then({ type: 'BookingCancelled', data: slot }))
      .when(release(end))
      .thenNothing();
    spec
      .given(then({ type: 'BookingReleasedAsNoShow', data: slot }))
      .when(release(end))
      .thenNothing();
  });

  it('does nothing when the policy turns release off', () => {
    spec
      .given({ ...booked, policy: [{ type: 'BookingPolicyChanged', data: { checkInGraceMinutes: 0 } }] })
      .when(release(end))
      .thenNothing();
  });

  it('refuses an unknown booking', () => {
    spec
      .given({ ...booked, schedule: [deskCreated()] })
      .when(release(end))
      .thenFails({ code: 'booking.not_found' });
  });
});
