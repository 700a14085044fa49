import { BOOKING_HARD_LIMITS, domainError, type DomainError, type DomainEvent } from '@plass/contracts';
import { DAY, MINUTE, exemptFromPolicy, isAdmin, locationOf, nothing, occupancyDays, refuse, validationFailed, type Actor, type BookingDecision } from './booking-decision.js';
import { before, overlaps, peakOverlap } from './intervals.js';
import type { Ledger } from './ledger.js';
import { localDays, weekdayOfDate } from './local-time.js';
import type { Location } from './location.js';
import type { Occupancy } from './occupancy.js';
import type { Policy } from './policy.js';
import { holdsSpace, type Schedule } from './schedule.js';

export interface BookSpace {
  bookingId: string;
  spaceId: string;
  /** Who the booking is for; anyone but the actor themself needs an admin. */
  bookedBy: string;
  start: string;
  end: string;
  subject?: string;
  now: string;
  actor: Actor;
}

/** The streams a booking is decided on, each folded: `occupancy` over the days `occupancyDays` names. */
export interface BookingInputs {
  schedule: Schedule;
  location: Location;
  ledger: Ledger;
  occupancy: Occupancy;
  policy: Policy;
}

/**
 * The bounds no policy or exemption lifts (`BOOKING_HARD_LIMITS`), checked before any stream is
 * loaded: how many occupancy days a booking spans is what a request's cost grows with.
 */
export function beyondHardLimits(command: Pick<BookSpace, 'start' | 'end' | 'now'>): DomainError | undefined {
  const startMs = Date.parse(command.start);
  const endMs = Date.parse(command.end);
  const now = Date.parse(command.now);
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs <= startMs) return undefined;
  if (endMs - startMs > BOOKING_HARD_LIMITS.maxDurationMinutes * MINUTE) {
    return domainError('booking.duration', 'the booking is longer than any booking may be', { maxDurationMinutes: BOOKING_HARD_LIMITS.maxDurationMinutes });
  }
  if (startMs > now + BOOKING_HARD_LIMITS.maxDaysInAdvance * DAY) {
    return domainError('booking.too_far_in_advance', 'the booking starts further ahead than any booking may', { maxDaysInAdvance: BOOKING_HARD_LIMITS.maxDaysInAdvance });
  }
  return undefined;
}

/**
 * Checks run in this order, so the answer names the most basic problem first: the request itself
 * (validation, who may book for whom), what it refers to (space, location, an existing booking id),
 * whether the space can be booked at all (disabled), the request's time against the clock and the
 * tenant policy (past, advance, duration), the location's calendar (weekdays), and only then the
 * other bookings: the space's own schedule, the booker's limits, the location's capacity.
 */
export function decideBook(command: BookSpace, inputs: BookingInputs): BookingDecision {
  const { bookingId, spaceId, bookedBy, subject, actor } = command;
  const { schedule, ledger, occupancy, policy } = inputs;
  const startMs = Date.parse(command.start);
  const endMs = Date.parse(command.end);
  const now = Date.parse(command.now);
  if (Number.isNaN(startMs)) return refuse(validationFailed('start', 'must be a timestamp'));
  if (Number.isNaN(endMs)) return refuse(validationFailed('end', 'must be a timestamp'));
  if (endMs <= startMs) return refuse(validationFailed('end', 'must be after start'));
  if (bookedBy !== actor.userId && !isAdmin(actor)) return refuse(domainError('auth.forbidden', 'only admins book for someone else'));

  const space = schedule.space;
  if (space.status === 'none' || space.id !== spaceId) return refuse(domainError('space.not_found', 'no such space'));
  const location = locationOf(space, inputs.location);
  if (space.locationId !== undefined && !location) return refuse(domainError('location.not_found', 'the space’s location is not known'));

  const start = new Date(startMs).toISOString();
  const end = new Date(endMs).toISOString();
  const interval = { start, end };
  const existing = schedule.bookings.get(bookingId);
  if (existing) {
    const retry = holdsSpace(existing) && existing.start === start && existing.end === end && existing.bookedBy === bookedBy;
    return retry ? nothing() : refuse(domainError('booking.conflict', 'the booking id is already taken'));
  }

  if (space.status === 'disabled' || location?.status === 'disabled') {
    return refuse(domainError('booking.space_disabled', 'the space cannot be booked'));
  }
  if (startMs < now) return refuse(domainError('booking.in_past', 'the booking starts in the past'));
  const outOfBounds = beyondHardLimits(command);
  if (outOfBounds) return refuse(outOfBounds);
  const exempt = exemptFromPolicy(actor, policy);
  if (!exempt && startMs > now + policy.maxDaysInAdvance * DAY) {
    return refuse(domainError('booking.too_far_in_advance', 'the booking starts too far ahead', { maxDaysInAdvance: policy.maxDaysInAdvance }));
  }
  const minutes = (endMs - startMs) / MINUTE;
  if (!exempt && (minutes < policy.minDurationMinutes || minutes > policy.maxDurationMinutes)) {
    return refuse(
      domainError('booking.duration', 'the booking is too long or too short', {
        minDurationMinutes: policy.minDurationMinutes,
        maxDurationMinutes: policy.maxDurationMinutes,
      }),
    );
  }
  if (location) {
    const closed = localDays(start, end, location.timezone).filter((day) => !location.bookableWeekdays.includes(weekdayOfDate(day)));
    if (closed.length > 0) return refuse(domainError('booking.weekday_not_bookable', 'the location is closed that day', { days: closed }));
  }

  if (schedule.bookings.values().some((booking) => holdsSpace(booking) && overlaps(booking, interval))) {
    return refuse(domainError('booking.conflict', 'the space is already booked for that time'));
  }
  const mine = ledger.bookings.values();
  if (!exempt && mine.filter((booking) => before(command.now, booking.end)).length >= policy.maxUpcomingBookingsPerUser) {
    return refuse(domainError('booking.too_many_upcoming', 'too many upcoming bookings', { max: policy.maxUpcomingBookingsPerUser }));
  }
  if (!exempt && peakOverlap(mine, interval) >= policy.maxConcurrentBookingsPerUser) {
    return refuse(domainError('booking.concurrent_limit', 'already booked at that time', { max: policy.maxConcurrentBookingsPerUser }));
  }
  if (location?.capacity !== undefined && peakOverlap(occupancy.bookings.values(), interval) >= location.capacity) {
    return refuse(domainError('booking.capacity_reached', 'the location is full at that time', { capacity: location.capacity }));
  }

  const confirmed: DomainEvent = {
    type: 'BookingConfirmed',
    data: { bookingId, spaceId, kind: space.kind, start, end, bookedBy, ...(subject === undefined ? {} : { subject }) },
  };
  const days = occupancyDays(space, inputs.location, start, end);
  return {
    ok: true,
    events: {
      schedule: [confirmed],
      ledger: [{ type: 'LedgerBookingAdded', data: { bookingId, spaceId, start, end } }],
      occupancy: { days, events: days.length > 0 ? [{ type: 'OccupancyAdded', data: { bookingId, spaceId, start, end } }] : [] },
    },
  };
}
