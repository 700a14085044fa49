import { domainError, type Decision, type DomainError, type DomainEvent } from '@plass/contracts';
import { decideBook, isAdmin, slotDays, type Actor, type BookingInputs, type ScheduledBooking } from '../rules/index.js';

export interface EditBooking {
  bookingId: string;
  start?: string | undefined;
  end?: string | undefined;
  spaceId?: string | undefined;
  /** The version the client read (`If-Match`); absent: whatever it is now. */
  expectedVersion?: number | undefined;
  now: string;
  actor: Actor;
}

/** Where the booking is recorded now: the UTC days of its space that hold its slot, its ledger entry, its location's local days. */
export interface EditRecords {
  slotDays: string[];
  ledger: boolean;
  occupancyDays: string[];
  /** Its space's location, to tell whether the new one's occupancy days are the same streams. */
  locationId: string | undefined;
}

/**
 * An edit is decided on the booking as its own stream holds it (with its booker) and its version,
 * where it is recorded now, and the streams of the slot it moves to — folded **without** the
 * booking itself, so it neither conflicts with itself nor counts against its booker's limits.
 */
export interface EditInputs {
  booking: ScheduledBooking | undefined;
  version: number;
  records: EditRecords;
  target: BookingInputs;
}

/**
 * What an edit appends: the booking's `BookingRescheduled`; the slot held on each new day and
 * freed on each old day it no longer touches; the ledger entry removed and added again (the
 * adapter writes each to its month); occupancy taken on the new location days and given back on
 * the old ones. A day (or location day) both old and new is only held (taken): the new event
 * replaces the old record, and one stream gets one append.
 */
export interface EditWrites {
  booking: DomainEvent[];
  slots: { hold: string[]; free: string[]; held: DomainEvent | undefined };
  ledger: { remove: boolean; add: DomainEvent[] };
  occupancy: { take: string[]; free: string[]; events: DomainEvent[] };
}

export type EditDecision = Decision<EditWrites>;

const refuse = (error: DomainError): EditDecision => ({ ok: false, error });

const unchanged = (): EditDecision => ({
  ok: true,
  events: { booking: [], slots: { hold: [], free: [], held: undefined }, ledger: { remove: false, add: [] }, occupancy: { take: [], free: [], events: [] } },
});

/**
 * Order: the booking exists and is the actor's (or they are an admin), the version, whether it
 * can still move (given back: not found, as for check-in; finished; started), nothing changes
 * (a retry answers as the first did), and then the new slot under every rule of a new booking
 * (`decideBook`). A refusal writes nothing, so the old slot is never given up for a slot not taken.
 */
export function decideEdit(command: EditBooking, inputs: EditInputs): EditDecision {
  const { booking, version, records, target } = inputs;
  // Without its booker (shredded) the booking can be neither re-sealed nor found in a ledger.
  if (!booking?.bookedBy) return refuse(domainError('booking.not_found', 'no such booking'));
  if (booking.bookedBy !== command.actor.userId && !isAdmin(command.actor)) {
    return refuse(domainError('auth.forbidden', 'only the booker or an admin edits a booking'));
  }
  if (command.expectedVersion !== undefined && command.expectedVersion !== version) {
    return refuse(domainError('booking.version_mismatch', 'the booking changed since that version', { version }));
  }
  if (booking.status === 'cancelled' || booking.status === 'released') return refuse(domainError('booking.not_found', 'no such booking'));
  const now = Date.parse(command.now);
  if (now >= Date.parse(booking.end)) return refuse(domainError('booking.already_finished', 'the booking has already finished'));
  if (booking.status === 'checked_in' || now >= Date.parse(booking.start)) {
    return refuse(domainError('booking.already_started', 'the booking has already started'));
  }

  const spaceId = command.spaceId ?? booking.spaceId;
  const start = command.start ?? booking.start;
  const end = command.end ?? booking.end;
  const same = (a: string, b: string) => Date.parse(a) === Date.parse(b);
  if (spaceId === booking.spaceId && same(start, booking.start) && same(end, booking.end)) return unchanged();

  const decided = decideBook({ bookingId: booking.id, spaceId, bookedBy: booking.bookedBy, start, end, now: command.now, actor: command.actor }, target);
  if (!decided.ok) return refuse(decided.error);
  const confirmed = decided.events.schedule.find((event) => event.type === 'BookingConfirmed');
  if (confirmed?.type !== 'BookingConfirmed') throw new Error('a booking was decided without BookingConfirmed');
  const moved = confirmed.data;
  const rescheduled: DomainEvent = {
    type: 'BookingRescheduled',
    data: {
      bookingId: booking.id,
      spaceId,
      ...(spaceId === booking.spaceId ? {} : { previousSpaceId: booking.spaceId }),
      kind: moved.kind,
      start: moved.start,
      end: moved.end,
      previousStart: booking.start,
      previousEnd: booking.end,
      bookedBy: booking.bookedBy,
    },
  };
  const hold = slotDays(moved.start, moved.end);
  const sameSpace = spaceId === booking.spaceId;
  const take = decided.events.occupancy.days;
  const sameLocation = records.locationId !== undefined && target.schedule.space.status !== 'none' && records.locationId === target.schedule.space.locationId;
  return {
    ok: true,
    events: {
      booking: [rescheduled],
      slots: {
        hold,
        free: records.slotDays.filter((day) => !(sameSpace && hold.includes(day))),
        held: { type: 'SlotHeld', data: { bookingId: booking.id, spaceId, start: moved.start, end: moved.end } },
      },
      ledger: { remove: records.ledger, add: decided.events.ledger },
      occupancy: {
        take,
        free: records.occupancyDays.filter((day) => !(sameLocation && take.includes(day))),
        events: decided.events.occupancy.events,
      },
    },
  };
}
