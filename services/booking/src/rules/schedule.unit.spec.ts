import type { DomainEvent } from '@plass/contracts';
import { evolveLedger, initialLedger } from './ledger.js';
import { evolveOccupancy, initialOccupancy } from './occupancy.js';
import { evolveSchedule, initialSchedule } from './schedule.js';
import { confirmed, deskCreated, ids, ledgerAdded, occupied, osloOffice } from './test-fixtures.js';

const start = '2026-03-02T08:00:00.000Z';
const end = '2026-03-02T09:00:00.000Z';
const a = '44444444-4444-4444-8444-00000000000a';
const b = '44444444-4444-4444-8444-00000000000b';
const c = '44444444-4444-4444-8444-00000000000c';
const slot = (bookingId: string) => ({ bookingId, spaceId: ids.space, start, end });

describe('folding the streams', () => {
  it('keeps every booking of the space with its status, ignoring unrelated events', () => {
    const events: DomainEvent[] = [
      deskCreated(),
      confirmed(a, start, end),
      confirmed(b, start, end),
      confirmed(c, start, end),
      { type: 'BookingCheckedIn', data: { bookingId: a, spaceId: ids.space } },
      { type: 'BookingCancelled', data: slot(b) },
      { type: 'BookingReleasedAsNoShow', data: slot(c) },
      { type: 'BookingCheckedIn', data: { bookingId: ids.booking, spaceId: ids.space } },
      osloOffice(),
      ledgerAdded(ids.booking, start, end),
      { type: 'SpaceDisabled', data: { spaceId: ids.space } },
    ];
    const schedule = events.reduce((state, event) => evolveSchedule(state, event), initialSchedule);
    expect(schedule.space.status).toBe('disabled');
    expect(schedule.bookings.values().map(({ id, status }) => [id, status])).toEqual([
      [a, 'checked_in'],
      [b, 'cancelled'],
      [c, 'released'],
    ]);
    expect(schedule.bookings.get(a)).toEqual({ id: a, spaceId: ids.space, status: 'checked_in', start, end, bookedBy: ids.colleague });
  });

  it('keeps the ledger and the occupancy to what was added and not removed', () => {
    const ledger = [ledgerAdded(a, start, end), ledgerAdded(b, start, end), { type: 'LedgerBookingRemoved', data: { bookingId: a } } as DomainEvent, deskCreated()].reduce(
      evolveLedger,
      initialLedger,
    );
    expect(ledger.bookings.toJSON()).toEqual({ [b]: { start, end } });
    const occupancy = [occupied(a, start, end), occupied(b, start, end), { type: 'OccupancyRemoved', data: { bookingId: b } } as DomainEvent, osloOffice()].reduce(
      evolveOccupancy,
      initialOccupancy,
    );
    expect(occupancy.bookings.toJSON()).toEqual({ [a]: { spaceId: ids.otherSpace, start, end } });
  });
});
