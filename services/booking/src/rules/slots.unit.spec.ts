import type { DomainEvent } from '@plass/contracts';
import { evolveSlots, initialSlots, slotBookings, slotDays, slotEventsFor } from './slots.js';
import { ids } from './test-fixtures.js';

const a = '44444444-4444-4444-8444-00000000000a';
const b = '44444444-4444-4444-8444-00000000000b';
const held = (bookingId: string, start: string, end: string): DomainEvent => ({ type: 'SlotHeld', data: { bookingId, spaceId: ids.space, start, end } });

describe('a space’s slots per UTC day', () => {
  it('names every UTC day a booking touches, its end excluded', () => {
    expect(slotDays('2030-03-05T08:00:00Z', '2030-03-05T10:00:00Z')).toEqual(['2030-03-05']);
    expect(slotDays('2030-03-05T22:00:00+01:00', '2030-03-06T01:00:00Z')).toEqual(['2030-03-05', '2030-03-06']);
    expect(slotDays('2030-03-05T20:00:00Z', '2030-03-06T00:00:00Z')).toEqual(['2030-03-05']);
    expect(slotDays('2030-02-28T12:00:00Z', '2030-03-02T12:00:00Z')).toEqual(['2030-02-28', '2030-03-01', '2030-03-02']);
    expect(slotDays('2030-03-05T10:00:00Z', '2030-03-05T10:00:00Z')).toEqual([]);
    expect(slotDays('not a time', '2030-03-05T10:00:00Z')).toEqual([]);
  });

  it('holds what was held and not freed', () => {
    const day = [
      held(a, '2030-03-05T08:00:00.000Z', '2030-03-05T09:00:00.000Z'),
      held(b, '2030-03-05T09:00:00.000Z', '2030-03-05T10:00:00.000Z'),
      { type: 'SlotFreed', data: { bookingId: a } } as DomainEvent,
    ].reduce(evolveSlots, initialSlots);
    expect(day.held.toJSON()).toEqual({ [b]: { spaceId: ids.space, start: '2030-03-05T09:00:00.000Z', end: '2030-03-05T10:00:00.000Z' } });
  });

  it('shows a booking spanning days once, as a confirmed booking without a booker', () => {
    const overnight = held(a, '2030-03-05T20:00:00.000Z', '2030-03-06T04:00:00.000Z');
    const first = [overnight].reduce(evolveSlots, initialSlots);
    const second = [overnight, held(b, '2030-03-06T08:00:00.000Z', '2030-03-06T09:00:00.000Z')].reduce(evolveSlots, initialSlots);
    const bookings = slotBookings([first, second]);
    expect(bookings.map(([id]) => id)).toEqual([a, b]);
    expect(bookings[0]![1]).toEqual({ id: a, spaceId: ids.space, status: 'confirmed', start: '2030-03-05T20:00:00.000Z', end: '2030-03-06T04:00:00.000Z' });
  });

  it('derives the slot events from what a decision appends to the booking', () => {
    const slot = { bookingId: a, spaceId: ids.space, start: '2030-03-05T08:00:00.000Z', end: '2030-03-05T09:00:00.000Z' };
    expect(slotEventsFor([{ type: 'BookingConfirmed', data: { ...slot, kind: 'desk', bookedBy: ids.colleague } }])).toEqual({
      hold: { type: 'SlotHeld', data: slot },
      free: false,
    });
    expect(slotEventsFor([{ type: 'BookingCancelled', data: slot }])).toEqual({ free: true });
    expect(slotEventsFor([{ type: 'BookingReleasedAsNoShow', data: slot }])).toEqual({ free: true });
    expect(slotEventsFor([{ type: 'BookingCheckedIn', data: { bookingId: a, spaceId: ids.space } }])).toEqual({ free: false });
  });
});
