import type { DomainEvent } from '@plass/contracts';
import {
  evolveLedger,
  evolveLocation,
  evolveOccupancy,
  evolvePolicy,
  evolveSchedule,
  initialLedger,
  initialLocation,
  initialOccupancy,
  initialPolicy,
  initialSchedule,
  type ScheduledBooking,
} from '../rules/index.js';
import { admin, colleague, confirmed, deskCreated, employee, ids, ledgerAdded, nextId, occupied, osloOffice } from '../rules/test-fixtures.js';
import { decideEdit, type EditBooking, type EditRecords } from './decide-edit.js';

/** Monday 2026-03-02, 08:00 in Oslo. */
const now = '2026-03-02T07:00:00.000Z';
const nine = '2026-03-02T08:00:00.000Z';
const ten = '2026-03-02T09:00:00.000Z';
const eleven = '2026-03-02T10:00:00.000Z';
const tuesdayNine = '2026-03-03T08:00:00.000Z';
const tuesdayTen = '2026-03-03T09:00:00.000Z';
const aprilNine = '2026-04-01T07:00:00.000Z';
const aprilTen = '2026-04-01T08:00:00.000Z';

/** The booker's booking 09:00–10:00 Oslo on Monday, version 0. */
const mine = (overrides: Partial<ScheduledBooking> = {}): ScheduledBooking => ({
  id: ids.booking,
  spaceId: ids.space,
  status: 'confirmed',
  start: nine,
  end: ten,
  bookedBy: ids.booker,
  ...overrides,
});
const recordedMonday: EditRecords = { slotDays: ['2026-03-02'], ledger: true, occupancyDays: ['2026-03-02'], locationId: ids.location };
const edit = (overrides: Partial<EditBooking>): EditBooking => ({ bookingId: ids.booking, now, actor: employee, ...overrides });

interface Given {
  booking?: ScheduledBooking | undefined;
  version?: number;
  records?: EditRecords;
  /** The target's streams, without the booking itself (as the adapter folds them). */
  schedule?: DomainEvent[];
  ledger?: DomainEvent[];
  occupancy?: DomainEvent[];
  policy?: DomainEvent[];
  location?: DomainEvent[];
}

function given(streams: Given) {
  const inputs = {
    booking: 'booking' in streams ? streams.booking : mine(),
    version: streams.version ?? 0,
    records: streams.records ?? recordedMonday,
    target: {
      schedule: (streams.schedule ?? [deskCreated()]).reduce(evolveSchedule, initialSchedule),
      location: (streams.location ?? [osloOffice()]).reduce(evolveLocation, initialLocation),
      ledger: (streams.ledger ?? []).reduce(evolveLedger, initialLedger),
      occupancy: (streams.occupancy ?? []).reduce(evolveOccupancy, initialOccupancy),
      policy: (streams.policy ?? []).reduce(evolvePolicy, initialPolicy),
    },
  };
  return {
    when(command: EditBooking) {
      const outcome = decideEdit(command, inputs);
      return {
        outcome,
        thenFails(code: string) {
          expect(outcome.ok ? 'accepted' : outcome.error.code).toBe(code);
        },
      };
    },
  };
}

const policy = (data: Extract<DomainEvent, { type: 'BookingPolicyChanged' }>['data']): DomainEvent[] => [{ type: 'BookingPolicyChanged', data }];

describe('EditBooking', () => {
  describe('moving', () => {
    it('reschedules the booking, holds the new day, frees the old one, and moves its ledger entry and occupancy', () => {
      const { outcome } = given({}).when(edit({ start: tuesdayNine, end: tuesdayTen }));
      const moved = { bookingId: ids.booking, spaceId: ids.space, start: tuesdayNine, end: tuesdayTen };
      expect(outcome).toEqual({
        ok: true,
        events: {
          booking: [{ type: 'BookingRescheduled', data: { ...moved, kind: 'desk', previousStart: nine, previousEnd: ten, bookedBy: ids.booker } }],
          slots: { hold: ['2026-03-03'], free: ['2026-03-02'], held: { type: 'SlotHeld', data: moved } },
          ledger: { remove: true, add: [{ type: 'LedgerBookingAdded', data: moved }] },
          occupancy: { take: ['2026-03-03'], free: ['2026-03-02'], events: [{ type: 'OccupancyAdded', data: moved }] },
        },
      });
    });

    it('may overlap its own current slot: the day is held again (the new slot replaces the old), not freed', () => {
      const { outcome } = given({}).when(edit({ end: eleven }));
      expect(outcome.ok && outcome.events.slots).toMatchObject({ hold: ['2026-03-02'], free: [] });
      expect(outcome.ok && outcome.events.occupancy).toMatchObject({ take: ['2026-03-02'], free: [] });
      expect(outcome.ok && outcome.events.booking[0]?.data).toMatchObject({ start: nine, end: eleven, previousEnd: ten });
    });

    it('moves to another space: the old space’s days are freed and the event names the previous space', () => {
      const { outcome } = given({ schedule: [deskCreated(ids.otherSpace)] }).when(edit({ spaceId: ids.otherSpace }));
      expect(outcome.ok && outcome.events.booking[0]?.data).toMatchObject({ spaceId: ids.otherSpace, previousSpaceId: ids.space, start: nine, end: ten });
      expect(outcome.ok && outcome.events.slots).toMatchObject({ hold: ['2026-03-02'], free: ['2026-03-02'] });
      // Same location, same local day: the occupancy record is replaced, not removed.
      expect(outcome.ok && outcome.events.occupancy).toMatchObject({ take: ['2026-03-02'], free: [] });
    });

    it('gives the occupancy of the old location back when the new space has none', () => {
      const { outcome } = given({ schedule: [deskCreated(ids.otherSpace, false)] }).when(edit({ spaceId: ids.otherSpace }));
      expect(outcome.ok && outcome.events.occupancy).toEqual({ take: [], free: ['2026-03-02'], events: [] });
    });

    it('writes the ledger entry again even into another month (the adapter removes it in the old month)', () => {
      const { outcome } = given({ policy: policy({ maxDaysInAdvance: 60 }) }).when(edit({ start: aprilNine, end: aprilTen }));
      expect(outcome.ok && outcome.events.ledger).toEqual({
        remove: true,
        add: [{ type: 'LedgerBookingAdded', data: { bookingId: ids.booking, spaceId: ids.space, start: aprilNine, end: aprilTen } }],
      });
    });

    it('writes nothing when nothing changes (a retry answers as the first did)', () => {
      const { outcome } = given({}).when(edit({ start: '2026-03-02T09:00:00+01:00', spaceId: ids.space }));
      expect(outcome).toEqual({
        ok: true,
        events: { booking: [], slots: { hold: [], free: [], held: undefined }, ledger: { remove: false, add: [] }, occupancy: { take: [], free: [], events: [] } },
      });
    });

    it('lets an admin move anyone’s booking', () => {
      expect(given({}).when(edit({ actor: admin, end: eleven })).outcome.ok).toBe(true);
    });
  });

  describe('atomic: the old slot is given up only for a new one taken', () => {
    it('refuses a new time another booking holds, and writes nothing', () => {
      given({ schedule: [deskCreated(), confirmed(nextId(), tuesdayNine, tuesdayTen)] })
        .when(edit({ start: tuesdayNine, end: tuesdayTen }))
        .thenFails('booking.conflict');
    });

    it('refuses a space another booking holds then', () => {
      given({
        schedule: [deskCreated(ids.otherSpace), { ...confirmed(nextId(), nine, ten), data: { ...confirmed(nextId(), nine, ten).data, spaceId: ids.otherSpace } } as DomainEvent],
      })
        .when(edit({ spaceId: ids.otherSpace }))
        .thenFails('booking.conflict');
    });

    it('applies every rule of a new booking to the new slot', () => {
      given({})
        .when(edit({ start: '2026-03-02T06:00:00.000Z' }))
        .thenFails('booking.in_past');
      given({})
        .when(edit({ start: '2026-03-07T08:00:00.000Z', end: '2026-03-07T09:00:00.000Z' }))
        .thenFails('booking.weekday_not_bookable');
      given({ policy: policy({ maxDurationMinutes: 60 }) })
        .when(edit({ end: eleven }))
        .thenFails('booking.duration');
      given({ policy: policy({ maxDaysInAdvance: 1 }) })
        .when(edit({ start: '2026-03-05T08:00:00.000Z', end: '2026-03-05T09:00:00.000Z' }))
        .thenFails('booking.too_far_in_advance');
      given({ schedule: [deskCreated(), { type: 'SpaceDisabled', data: { spaceId: ids.space } }] })
        .when(edit({ end: eleven }))
        .thenFails('booking.space_disabled');
      given({ schedule: [deskCreated()] })
        .when(edit({ spaceId: ids.otherSpace }))
        .thenFails('space.not_found');
      given({ location: [osloOffice({ capacity: 1 })], occupancy: [occupied(nextId(), tuesdayNine, tuesdayTen)] })
        .when(edit({ start: tuesdayNine, end: tuesdayTen }))
        .thenFails('booking.capacity_reached');
      given({})
        .when(edit({ end: nine }))
        .thenFails('validation.failed');
    });
  });

  describe('limits count the booker’s other bookings, never the booking itself', () => {
    it('moves the only booking a limit of one allows', () => {
      expect(given({ policy: policy({ maxUpcomingBookingsPerUser: 1, maxConcurrentBookingsPerUser: 1 }) }).when(edit({ start: tuesdayNine, end: tuesdayTen })).outcome.ok).toBe(
        true,
      );
    });

    it('refuses a move that would overlap another booking of the booker beyond the concurrent limit', () => {
      given({ ledger: [ledgerAdded(nextId(), tuesdayNine, tuesdayTen)], policy: policy({ maxConcurrentBookingsPerUser: 1 }) })
        .when(edit({ start: tuesdayNine, end: tuesdayTen }))
        .thenFails('booking.concurrent_limit');
    });

    it('refuses when the booker’s other upcoming bookings already fill the limit', () => {
      given({ ledger: [ledgerAdded(nextId(), tuesdayNine, tuesdayTen)], policy: policy({ maxUpcomingBookingsPerUser: 1 }) })
        .when(edit({ end: eleven }))
        .thenFails('booking.too_many_upcoming');
    });
  });

  describe('which bookings can move', () => {
    it('refuses a stale version with the current one', () => {
      const { outcome } = given({ version: 2 }).when(edit({ end: eleven, expectedVersion: 1 }));
      expect(outcome.ok ? 'accepted' : outcome.error).toMatchObject({ code: 'booking.version_mismatch', details: { version: 2 } });
      expect(given({ version: 2 }).when(edit({ end: eleven, expectedVersion: 2 })).outcome.ok).toBe(true);
    });

    it('refuses a booking that has started, or was checked into early', () => {
      given({})
        .when(edit({ end: eleven, now: '2026-03-02T08:30:00.000Z' }))
        .thenFails('booking.already_started');
      given({ booking: mine({ status: 'checked_in' }) })
        .when(edit({ end: eleven, now: '2026-03-02T07:50:00.000Z' }))
        .thenFails('booking.already_started');
    });

    it('refuses a finished booking, and finds no cancelled or released one', () => {
      given({})
        .when(edit({ end: eleven, now: ten }))
        .thenFails('booking.already_finished');
      given({ booking: mine({ status: 'cancelled' }) })
        .when(edit({ end: eleven }))
        .thenFails('booking.not_found');
      given({ booking: mine({ status: 'released' }) })
        .when(edit({ end: eleven }))
        .thenFails('booking.not_found');
    });

    it('lets only the booker or an admin edit, and finds no booking without one or whose booker was shredded', () => {
      given({})
        .when(edit({ actor: colleague, end: eleven }))
        .thenFails('auth.forbidden');
      given({ booking: undefined })
        .when(edit({ end: eleven }))
        .thenFails('booking.not_found');
      given({ booking: mine({ bookedBy: undefined }) })
        .when(edit({ actor: admin, end: eleven }))
        .thenFails('booking.not_found');
    });
  });
});
