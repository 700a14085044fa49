import type { DomainEvent } from '@plass/contracts';
import { decideCheckIn, type CheckIn } from './check-in.js';
import { admin, bookingSpec, colleague, confirmed, deskCreated, employee, ids } from './test-fixtures.js';

const spec = bookingSpec(decideCheckIn);
const start = '2026-03-02T08:00:00.000Z';
const end = '2026-03-02T09:00:00.000Z';
const slot = { bookingId: ids.booking, spaceId: ids.space, start, end };
const booked = { schedule: [deskCreated(), confirmed(ids.booking, start, end, ids.booker)] };
const checkIn = (now: string, actor = employee): CheckIn => ({ bookingId: ids.booking, now, actor });
const checkedIn: DomainEvent = { type: 'BookingCheckedIn', data: { bookingId: ids.booking, spaceId: ids.space, start, end } };
const noRelease: DomainEvent[] = [{ type: 'BookingPolicyChanged', data: { checkInGraceMinutes: 0 } }];

describe('CheckIn', () => {
  it('opens 15 minutes before the start, not a millisecond earlier', () => {
    spec
      .given(booked)
      .when(checkIn('2026-03-02T07:45:00Z'))
      .then({ schedule: [checkedIn] });
    spec.given(booked).when(checkIn('2026-03-02T07:44:59.999Z')).thenFails({ code: 'booking.not_checkin_time' });
  });

  it('closes when a no-show release is due (start + 15 min grace by default)', () => {
    spec
      .given(booked)
      .when(checkIn('2026-03-02T08:14:59.999Z'))
      .then({ schedule: [checkedIn] });
    spec.given(booked).when(checkIn('2026-03-02T08:15:00Z')).thenFails({ code: 'booking.not_checkin_time' });
  });

  it('stays open until the end when no-show release is off', () => {
    spec
      .given({ ...booked, policy: noRelease })
      .when(checkIn('2026-03-02T08:59:59.999Z'))
      .then({ schedule: [checkedIn] });
    spec
      .given({ ...booked, policy: noRelease })
      .when(checkIn(end))
      .thenFails({ code: 'booking.not_checkin_time' });
  });

  it('answers a second check-in with no events', () => {
    spec
      .given({ schedule: [...booked.schedule, checkedIn] })
      .when(checkIn('2026-03-02T08:05:00Z'))
      .thenNothing();
  });

  it('treats a cancelled or released booking as not found', () => {
    spec
      .given({ schedule: [...booked.schedule, { type: 'BookingCancelled', data: slot }] })
      .when(checkIn(start))
      .thenFails({ code: 'booking.not_found' });
    spec
      .given({ schedule: [...booked.schedule, { type: 'BookingReleasedAsNoShow', data: slot }] })
      .when(checkIn(start))
      .thenFails({ code: 'booking.not_found' });
    spec
      .given({ schedule: [deskCreated()] })
      .when(checkIn(start))
      .thenFails({ code: 'booking.not_found' });
  });

  it('lets only the booker or an admin check in, and admins only within the window', () => {
    spec.given(booked).when(checkIn(start, colleague)).thenFails({ code: 'auth.forbidden' });
    spec
      .given(booked)
      .when(checkIn(start, admin))
      .then({ schedule: [checkedIn] });
    spec.given(booked).when(checkIn('2026-03-02T07:00:00Z', admin)).thenFails({ code: 'booking.not_checkin_time' });
  });
});
