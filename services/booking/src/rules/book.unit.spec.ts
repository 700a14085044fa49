import { BOOKING_HARD_LIMITS, type DomainEvent } from '@plass/contracts';
import { beyondHardLimits, decideBook, type BookSpace } from './book.js';
import { admin, bookingSpec, colleague, confirmed, deskCreated, employee, ids, ledgerAdded, nextId, occupied, osloOffice } from './test-fixtures.js';

const spec = bookingSpec(decideBook);
/** Monday 2026-03-02, 08:00 in Oslo. */
const now = '2026-03-02T07:00:00.000Z';
const book = (start: string, end: string, overrides: Partial<BookSpace> = {}): BookSpace => ({
  bookingId: ids.booking,
  spaceId: ids.space,
  bookedBy: ids.booker,
  start,
  end,
  now,
  actor: employee,
  ...overrides,
});
/** 09:00–10:00 Oslo on Monday 2026-03-02. */
const nineToTen = book('2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z');
const office = { schedule: [deskCreated()], location: [osloOffice()] };
const policy = (data: Extract<DomainEvent, { type: 'BookingPolicyChanged' }>['data']): DomainEvent[] => [{ type: 'BookingPolicyChanged', data }];
const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe('BookSpace', () => {
  describe('confirming', () => {
    it('writes the booking to the schedule, the ledger and the occupancy of its local day', () => {
      spec
        .given(office)
        .when({ ...nineToTen, start: '2026-03-02T09:00:00+01:00', subject: 'Focus' })
        .then({
          schedule: [
            {
              type: 'BookingConfirmed',
              data: {
                bookingId: ids.booking,
                spaceId: ids.space,
                kind: 'desk',
                start: '2026-03-02T08:00:00.000Z',
                end: '2026-03-02T09:00:00.000Z',
                bookedBy: ids.booker,
                subject: 'Focus',
              },
            },
          ],
          ledger: [{ type: 'LedgerBookingAdded', data: { bookingId: ids.booking, spaceId: ids.space, start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T09:00:00.000Z' } }],
          occupancy: {
            days: ['2026-03-02'],
            events: [{ type: 'OccupancyAdded', data: { bookingId: ids.booking, spaceId: ids.space, start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T09:00:00.000Z' } }],
          },
        });
    });

    it('keeps no occupancy for a location without a capacity', () => {
      const outcome = spec.given({ ...office, location: [osloOffice({ capacity: undefined })] }).when(nineToTen).outcome;
      expect(outcome.ok && outcome.events.occupancy).toEqual({ days: [], events: [] });
      expect(outcome.ok && outcome.events.ledger.length).toBe(1);
    });

    it('books a space without a location on any weekday, with no occupancy', () => {
      const sunday = book('2026-03-08T10:00:00Z', '2026-03-08T11:00:00Z');
      const outcome = spec.given({ schedule: [deskCreated(ids.space, false)] }).when(sunday).outcome;
      expect(outcome.ok && outcome.events.occupancy).toEqual({ days: [], events: [] });
      expect(outcome.ok && outcome.events.schedule.map((event) => event.type)).toEqual(['BookingConfirmed']);
    });

    it('lets an admin book for someone else, but not an employee', () => {
      spec
        .given(office)
        .when({ ...nineToTen, actor: admin })
        .thenAccepted();
      spec
        .given(office)
        .when({ ...nineToTen, actor: colleague })
        .thenFails({ code: 'auth.forbidden' });
    });

    it('answers a retry of the same booking with no events', () => {
      spec
        .given({ ...office, schedule: [deskCreated(), confirmed(ids.booking, nineToTen.start, nineToTen.end, ids.booker)] })
        .when({ ...nineToTen, now: minutesAfter(nineToTen.start, 30) })
        .thenNothing();
    });

    it('refuses a booking id already used for something else', () => {
      spec
        .given({ ...office, schedule: [deskCreated(), confirmed(ids.booking, nineToTen.start, nineToTen.end, ids.booker)] })
        .when({ ...nineToTen, end: '2026-03-02T10:00:00.000Z' })
        .thenFails({ code: 'booking.conflict' });
    });
  });

  describe('the request and what it names', () => {
    it.each([
      ['an end equal to the start', nineToTen.start, nineToTen.start],
      ['an end before the start', nineToTen.end, nineToTen.start],
      ['a start that is no timestamp', 'tomorrow', nineToTen.end],
      ['an end that is no timestamp', nineToTen.start, 'later'],
    ])('refuses %s', (_name, start, end) => {
      spec.given(office).when(book(start, end)).thenFails({ code: 'validation.failed' });
    });

    it('refuses a space that does not exist or is another one', () => {
      spec.given({ location: office.location }).when(nineToTen).thenFails({ code: 'space.not_found' });
      spec
        .given({ ...office, schedule: [deskCreated(ids.otherSpace)] })
        .when(nineToTen)
        .thenFails({ code: 'space.not_found' });
    });

    it('refuses a space whose location is not loaded', () => {
      spec.given({ schedule: office.schedule }).when(nineToTen).thenFails({ code: 'location.not_found' });
    });

    it('refuses a disabled space or a disabled location, to admins too', () => {
      const spaceOff: DomainEvent = { type: 'SpaceDisabled', data: { spaceId: ids.space } };
      const locationOff: DomainEvent = { type: 'LocationDisabled', data: { locationId: ids.location } };
      spec
        .given({ ...office, schedule: [deskCreated(), spaceOff] })
        .when(nineToTen)
        .thenFails({ code: 'booking.space_disabled' });
      spec
        .given({ ...office, location: [osloOffice(), locationOff] })
        .when({ ...nineToTen, actor: admin })
        .thenFails({ code: 'booking.space_disabled' });
    });
  });

  describe('time against the clock and the policy', () => {
    it('accepts a booking that starts exactly now and refuses one a millisecond earlier, to admins too', () => {
      spec
        .given(office)
        .when(book(now, minutesAfter(now, 60)))
        .thenAccepted();
      const early = new Date(Date.parse(now) - 1).toISOString();
      spec
        .given(office)
        .when(book(early, minutesAfter(now, 60)))
        .thenFails({ code: 'booking.in_past' });
      spec
        .given(office)
        .when(book(early, minutesAfter(now, 60), { actor: admin }))
        .thenFails({ code: 'booking.in_past' });
    });

    it('accepts a start exactly maxDaysInAdvance days ahead and refuses a minute more', () => {
      // 30 days of 24 h from Monday 2026-03-02 07:00Z: Wednesday 2026-04-01 07:00Z (09:00 in Oslo, after DST)
      const limit = '2026-04-01T07:00:00.000Z';
      spec
        .given(office)
        .when(book(limit, minutesAfter(limit, 60)))
        .thenAccepted();
      const beyond = minutesAfter(limit, 1);
      spec
        .given(office)
        .when(book(beyond, minutesAfter(beyond, 60)))
        .thenFails({ code: 'booking.too_far_in_advance' });
    });

    it('exempts admins from the advance limit unless the policy says otherwise', () => {
      const far = book('2026-05-04T07:00:00Z', '2026-05-04T08:00:00Z', { actor: admin });
      spec.given(office).when(far).thenAccepted();
      spec
        .given({ ...office, policy: policy({ adminsExempt: false }) })
        .when(far)
        .thenFails({ code: 'booking.too_far_in_advance' });
    });

    it.each([
      [15, true],
      [14, false],
      [600, true],
      [601, false],
    ])('with the default 15–600 minutes, %i minutes is accepted: %s', (minutes, accepted) => {
      const when = spec
        .given({ ...office, location: [osloOffice({ bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] })] })
        .when(book(nineToTen.start, minutesAfter(nineToTen.start, minutes)));
      if (accepted) when.thenAccepted();
      else when.thenFails({ code: 'booking.duration' });
    });

    it('exempts admins from the duration limits', () => {
      spec
        .given(office)
        .when(book(nineToTen.start, minutesAfter(nineToTen.start, 5), { actor: admin }))
        .thenAccepted();
    });

    describe('the hard limits, which no exemption lifts', () => {
      const everyDay = { ...office, location: [osloOffice({ bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] })] };
      const longest = BOOKING_HARD_LIMITS.maxDurationMinutes;

      it('accepts an admin booking of exactly 31 days and refuses one a minute longer', () => {
        spec
          .given(everyDay)
          .when(book(nineToTen.start, minutesAfter(nineToTen.start, longest), { actor: admin }))
          .thenAccepted();
        spec
          .given(everyDay)
          .when(book(nineToTen.start, minutesAfter(nineToTen.start, longest + 1), { actor: admin }))
          .thenFails({ code: 'booking.duration', details: { maxDurationMinutes: longest } });
      });

      it('refuses an admin booking that ends in the year 9999', () => {
        spec
          .given(everyDay)
          .when(book(nineToTen.start, '9999-12-31T00:00:00Z', { actor: admin }))
          .thenFails({ code: 'booking.duration' });
      });

      it('refuses an admin booking that starts more than ten years ahead', () => {
        const tenYears = minutesAfter(now, BOOKING_HARD_LIMITS.maxDaysInAdvance * 24 * 60);
        spec
          .given(everyDay)
          .when(book(tenYears, minutesAfter(tenYears, 60), { actor: admin }))
          .thenAccepted();
        const beyond = minutesAfter(tenYears, 1);
        spec
          .given(everyDay)
          .when(book(beyond, minutesAfter(beyond, 60), { actor: admin }))
          .thenFails({ code: 'booking.too_far_in_advance', details: { maxDaysInAdvance: BOOKING_HARD_LIMITS.maxDaysInAdvance } });
      });

      it('is checked without any stream: beyondHardLimits judges the request alone', () => {
        expect(beyondHardLimits({ start: nineToTen.start, end: '9999-12-31T00:00:00Z', now })?.code).toBe('booking.duration');
        expect(beyondHardLimits({ start: nineToTen.start, end: nineToTen.end, now })).toBeUndefined();
      });
    });

    it('measures duration in real minutes across the spring-forward night', () => {
      // Saturday 23:00 → Sunday 04:00 in Oslo is 5 wall-clock hours but 4 real ones
      const night = book('2026-03-28T22:00:00Z', '2026-03-29T02:00:00Z');
      const open = { ...office, location: [osloOffice({ bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] })] };
      spec
        .given({ ...open, policy: policy({ maxDurationMinutes: 240 }) })
        .when(night)
        .then({
          schedule: [
            {
              type: 'BookingConfirmed',
              data: { bookingId: ids.booking, spaceId: ids.space, kind: 'desk', start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T02:00:00.000Z', bookedBy: ids.booker },
            },
          ],
          ledger: [{ type: 'LedgerBookingAdded', data: { bookingId: ids.booking, spaceId: ids.space, start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T02:00:00.000Z' } }],
          occupancy: {
            days: ['2026-03-28', '2026-03-29'],
            events: [{ type: 'OccupancyAdded', data: { bookingId: ids.booking, spaceId: ids.space, start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T02:00:00.000Z' } }],
          },
        });
      spec
        .given({ ...open, policy: policy({ maxDurationMinutes: 239 }) })
        .when(night)
        .thenFails({ code: 'booking.duration' });
    });
  });

  describe('bookable weekdays, in the location’s zone', () => {
    it('refuses a Saturday and names the closed local day, to admins too', () => {
      const saturday = book('2026-03-07T08:00:00Z', '2026-03-07T09:00:00Z', { actor: admin });
      spec
        .given(office)
        .when(saturday)
        .thenFails({ code: 'booking.weekday_not_bookable', details: { days: ['2026-03-07'] } });
    });

    it('refuses a booking that runs from Friday into Saturday, and accepts one ending at local midnight', () => {
      const open = { ...office, policy: policy({ maxDurationMinutes: 1440 }) };
      // Friday 22:00 Oslo → Saturday 00:30 / → Saturday 00:00
      spec.given(open).when(book('2026-03-06T21:00:00Z', '2026-03-06T23:30:00Z')).thenFails({ code: 'booking.weekday_not_bookable' });
      spec.given(open).when(book('2026-03-06T21:00:00Z', '2026-03-06T23:00:00Z')).thenAccepted();
    });

    it('accepts a Friday evening in New York though it is Saturday in UTC', () => {
      const newYork = { ...office, location: [osloOffice({ timezone: 'America/New_York' })] };
      // Friday 2026-03-06 22:00–23:30 EST = Saturday 03:00–04:30 UTC
      spec
        .given(newYork)
        .when(book('2026-03-07T03:00:00Z', '2026-03-07T04:30:00Z', { now: '2026-03-06T12:00:00Z' }))
        .thenAccepted();
      // Saturday 2026-03-07 09:00 EST = 14:00 UTC
      spec
        .given(newYork)
        .when(book('2026-03-07T14:00:00Z', '2026-03-07T15:00:00Z', { now: '2026-03-06T12:00:00Z' }))
        .thenFails({ code: 'booking.weekday_not_bookable' });
    });

    it('accepts Monday 00:30 in Oslo though it is Sunday in UTC', () => {
      spec
        .given({ ...office, policy: policy({ maxDaysInAdvance: 60 }) })
        .when(book('2026-03-08T23:30:00Z', '2026-03-09T00:30:00Z'))
        .thenAccepted();
    });
  });

  describe('the space’s schedule', () => {
    const withBooking = (start: string, end: string, ...more: DomainEvent[]) => ({
      ...office,
      schedule: [deskCreated(), confirmed(nextId(), start, end), ...more],
    });

    it('refuses an overlapping booking, to admins too', () => {
      spec.given(withBooking('2026-03-02T08:30:00Z', '2026-03-02T09:30:00Z')).when(nineToTen).thenFails({ code: 'booking.conflict' });
      spec
        .given(withBooking('2026-03-02T07:00:00Z', '2026-03-02T12:00:00Z'))
        .when({ ...nineToTen, actor: admin })
        .thenFails({ code: 'booking.conflict' });
    });

    it('accepts back-to-back bookings on either side', () => {
      spec.given(withBooking('2026-03-02T07:00:00Z', nineToTen.start)).when(nineToTen).thenAccepted();
      spec.given(withBooking(nineToTen.end, '2026-03-02T10:00:00Z')).when(nineToTen).thenAccepted();
    });

    it('frees the slot of a cancelled or released booking, not of a checked-in one', () => {
      const other = nextId();
      const overlapping = confirmed(other, nineToTen.start, nineToTen.end);
      const schedule = (event: DomainEvent) => ({ ...office, schedule: [deskCreated(), overlapping, event] });
      const slot = { bookingId: other, spaceId: ids.space, start: nineToTen.start, end: nineToTen.end };
      spec
        .given(schedule({ type: 'BookingCancelled', data: slot }))
        .when(nineToTen)
        .thenAccepted();
      spec
        .given(schedule({ type: 'BookingReleasedAsNoShow', data: slot }))
        .when(nineToTen)
        .thenAccepted();
      spec
        .given(schedule({ type: 'BookingCheckedIn', data: { bookingId: other, spaceId: ids.space } }))
        .when(nineToTen)
        .thenFails({ code: 'booking.conflict' });
    });
  });

  describe('the booker’s limits', () => {
    const upcoming = (count: number) =>
      Array.from({ length: count }, (_, day) =>
        ledgerAdded(nextId(), `2026-03-${String(day + 3).padStart(2, '0')}T08:00:00Z`, `2026-03-${String(day + 3).padStart(2, '0')}T09:00:00Z`),
      );

    it('refuses the upcoming booking past the limit and accepts the one reaching it', () => {
      const limited = { ...office, policy: policy({ maxUpcomingBookingsPerUser: 3 }) };
      spec
        .given({ ...limited, ledger: upcoming(2) })
        .when(nineToTen)
        .thenAccepted();
      spec
        .given({ ...limited, ledger: upcoming(3) })
        .when(nineToTen)
        .thenFails({ code: 'booking.too_many_upcoming', details: { max: 3 } });
    });

    it('counts only bookings that end after now', () => {
      const limited = { ...office, policy: policy({ maxUpcomingBookingsPerUser: 1 }) };
      spec
        .given({ ...limited, ledger: [ledgerAdded(nextId(), '2026-03-02T06:00:00Z', now)] })
        .when(nineToTen)
        .thenAccepted();
      spec
        .given({ ...limited, ledger: [ledgerAdded(nextId(), '2026-03-02T06:00:00Z', minutesAfter(now, 1))] })
        .when(nineToTen)
        .thenFails({ code: 'booking.too_many_upcoming' });
    });

    it('refuses a second booking at the same time elsewhere and accepts one back-to-back', () => {
      spec
        .given({ ...office, ledger: [ledgerAdded(nextId(), '2026-03-02T08:59:00Z', '2026-03-02T10:00:00Z')] })
        .when(nineToTen)
        .thenFails({ code: 'booking.concurrent_limit' });
      spec
        .given({ ...office, ledger: [ledgerAdded(nextId(), nineToTen.end, '2026-03-02T10:00:00Z')] })
        .when(nineToTen)
        .thenAccepted();
    });

    it('counts bookings that run at the same instant, not all that overlap', () => {
      const twoAtOnce = { ...office, policy: policy({ maxConcurrentBookingsPerUser: 2 }) };
      const staggered = [ledgerAdded(nextId(), '2026-03-02T07:30:00Z', '2026-03-02T08:30:00Z'), ledgerAdded(nextId(), '2026-03-02T08:30:00Z', '2026-03-02T09:30:00Z')];
      spec
        .given({ ...twoAtOnce, ledger: staggered })
        .when(nineToTen)
        .thenAccepted();
      const together = [ledgerAdded(nextId(), '2026-03-02T07:30:00Z', '2026-03-02T08:45:00Z'), ledgerAdded(nextId(), '2026-03-02T08:30:00Z', '2026-03-02T09:30:00Z')];
      spec
        .given({ ...twoAtOnce, ledger: together })
        .when(nineToTen)
        .thenFails({ code: 'booking.concurrent_limit' });
    });

    it('exempts admins from both limits unless the policy says otherwise', () => {
      const busy = { ...office, policy: policy({ maxUpcomingBookingsPerUser: 1 }), ledger: [ledgerAdded(nextId(), nineToTen.start, nineToTen.end)] };
      spec
        .given(busy)
        .when({ ...nineToTen, actor: admin })
        .thenAccepted();
      spec
        .given({ ...busy, policy: policy({ maxUpcomingBookingsPerUser: 1, adminsExempt: false }) })
        .when({ ...nineToTen, actor: admin })
        .thenFails({ code: 'booking.too_many_upcoming' });
    });
  });

  describe('the location’s capacity', () => {
    // capacity 2
    it('accepts the booking that fills the location exactly', () => {
      spec
        .given({ ...office, occupancy: [occupied(nextId(), nineToTen.start, nineToTen.end)] })
        .when(nineToTen)
        .thenAccepted();
    });

    it('refuses the booking that would exceed it, to admins too', () => {
      const full = [occupied(nextId(), '2026-03-02T07:00:00Z', '2026-03-02T08:30:00Z'), occupied(nextId(), '2026-03-02T08:15:00Z', '2026-03-02T12:00:00Z')];
      spec
        .given({ ...office, occupancy: full })
        .when({ ...nineToTen, actor: admin })
        .thenFails({ code: 'booking.capacity_reached', details: { capacity: 2 } });
    });

    it('accepts when as many bookings overlap as the capacity but never at the same instant', () => {
      const staggered = [
        occupied(nextId(), '2026-03-02T07:00:00Z', '2026-03-02T08:20:00Z'),
        occupied(nextId(), '2026-03-02T08:20:00Z', '2026-03-02T08:40:00Z'),
        occupied(nextId(), '2026-03-02T08:40:00Z', '2026-03-02T12:00:00Z'),
      ];
      spec
        .given({ ...office, occupancy: staggered })
        .when(nineToTen)
        .thenAccepted();
    });

    it('ignores bookings removed from the occupancy', () => {
      const gone = nextId();
      const occupancy: DomainEvent[] = [
        occupied(nextId(), nineToTen.start, nineToTen.end),
        occupied(gone, nineToTen.start, nineToTen.end),
        { type: 'OccupancyRemoved', data: { bookingId: gone } },
      ];
      spec
        .given({ ...office, occupancy })
        .when(nineToTen)
        .thenAccepted();
    });

    it('counts a booking folded from two day streams once', () => {
      const overnight = nextId();
      const twice = [occupied(overnight, '2026-03-01T22:00:00Z', '2026-03-02T12:00:00Z'), occupied(overnight, '2026-03-01T22:00:00Z', '2026-03-02T12:00:00Z')];
      spec
        .given({ ...office, occupancy: twice })
        .when(nineToTen)
        .thenAccepted();
    });
  });

  describe('order of checks', () => {
    const everythingWrong = {
      ...office,
      schedule: [deskCreated(), confirmed(nextId(), '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z')],
      ledger: [ledgerAdded(nextId(), '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z')],
      occupancy: [occupied(nextId(), '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z'), occupied(nextId(), '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z')],
      policy: policy({ maxUpcomingBookingsPerUser: 1 }),
    };

    it.each([
      ['in_past before too_far_in_advance and duration', book('2026-03-01T08:00:00Z', '2026-03-01T08:05:00Z'), 'booking.in_past'],
      ['duration before weekday', book('2026-03-07T08:00:00Z', '2026-03-07T08:05:00Z'), 'booking.duration'],
      ['weekday before conflict', book('2026-03-07T08:00:00Z', '2026-03-07T09:00:00Z'), 'booking.weekday_not_bookable'],
      ['conflict before the booker’s limits and capacity', nineToTen, 'booking.conflict'],
    ])('answers %s', (_name, command, code) => {
      spec.given(everythingWrong).when(command).thenFails({ code });
    });

    it('answers the booker’s limits before capacity, upcoming before concurrent', () => {
      const { schedule: _free, ...rest } = everythingWrong;
      spec
        .given({ ...rest, schedule: [deskCreated()] })
        .when(nineToTen)
        .thenFails({ code: 'booking.too_many_upcoming' });
      spec
        .given({ ...rest, schedule: [deskCreated()], policy: [] })
        .when(nineToTen)
        .thenFails({ code: 'booking.concurrent_limit' });
      spec
        .given({ ...rest, schedule: [deskCreated()], policy: [], ledger: [] })
        .when(nineToTen)
        .thenFails({ code: 'booking.capacity_reached' });
    });
  });
});
