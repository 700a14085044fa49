import type { DomainEvent } from '@plass/contracts';
import type { Interval } from './intervals.js';
import { Keyed } from './keyed.js';
import type { ScheduledBooking } from './schedule.js';

/** The slots of one space on one UTC day: the bookings that hold it that day (ADR 0018). */
export interface Slots {
  held: Keyed<Interval & { spaceId: string }>;
}

export const initialSlots: Slots = { held: Keyed.empty() };

export function evolveSlots(state: Slots, event: DomainEvent): Slots {
  switch (event.type) {
    case 'SlotHeld': {
      const { bookingId, spaceId, start, end } = event.data;
      return { held: state.held.set(bookingId, { spaceId, start, end }) };
    }
    case 'SlotFreed':
      return { held: state.held.remove(event.data.bookingId) };
    default:
      return state;
  }
}

const DAY = 86_400_000;

/** The UTC days `[start, end)` touches (`2030-03-10`): the schedule streams a booking holds a slot in. */
export function slotDays(start: string, end: string): string[] {
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  if (!(endMs > startMs)) return [];
  const days: string[] = [];
  for (let day = Math.floor(startMs / DAY) * DAY; day < endMs; day += DAY) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

/** The slots of several days as the bookings a decider sees (a booking spanning days counts once); none has a booker. */
export function slotBookings(days: readonly Slots[]): Array<[string, ScheduledBooking]> {
  const seen = new Map<string, ScheduledBooking>();
  for (const day of days) {
    for (const [id, slot] of day.held.entries()) if (!seen.has(id)) seen.set(id, { id, spaceId: slot.spaceId, status: 'confirmed', start: slot.start, end: slot.end });
  }
  return [...seen];
}

/** The slot events a decision's booking events imply: a slot to hold on each of its days (confirmed), or to free where a day holds it (cancelled, released). */
export function slotEventsFor(events: readonly DomainEvent[]): { hold?: DomainEvent; free: boolean } {
  let hold: DomainEvent | undefined;
  let free = false;
  for (const event of events) {
    if (event.type === 'BookingConfirmed') {
      const { bookingId, spaceId, start, end } = event.data;
      hold = { type: 'SlotHeld', data: { bookingId, spaceId, start, end } };
    }
    if (event.type === 'BookingCancelled' || event.type === 'BookingReleasedAsNoShow') free = true;
  }
  return { ...(hold ? { hold } : {}), free };
}
