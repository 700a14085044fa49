import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { ErrorCode } from '../errors.js';
import { pii } from '../pii.js';
import { IsoWeekday } from './places.js';
import { defineEvent } from './define.js';

export const SpaceKind = z.enum(['desk', 'room', 'parking']);
export type SpaceKind = z.infer<typeof SpaceKind>;

/** Who a booking is for: in events it is encrypted with that person's booking key. */
export const BookedBy = pii(Uuid, {
  category: 'identifier',
  purpose: 'booking',
  description: 'the user a booking is for',
});
/** A booking's free-text title; it may name people, so it is personal data. */
export const BookingSubject = pii(z.string().trim().min(1).max(200), {
  category: 'free_text',
  purpose: 'booking',
  description: 'the title a user gives a booking',
});

export const SpaceCreated = defineEvent(
  'booking',
  'SpaceCreated',
  z.object({
    spaceId: Uuid,
    /** Spaces belong to a location (its time zone, weekdays, capacity); v1 spaces may have none. */
    locationId: Uuid.optional(),
    name: z.string(),
    kind: SpaceKind,
    floor: z.string().optional(),
    zone: z.string().optional(),
  }),
);

export const BookingConfirmed = defineEvent(
  'booking',
  'BookingConfirmed',
  z.object({
    bookingId: Uuid,
    spaceId: Uuid,
    kind: SpaceKind,
    start: Timestamp,
    end: Timestamp,
    bookedBy: BookedBy,
    subject: BookingSubject.optional(),
  }),
);

export const SpaceUpdated = defineEvent(
  'booking',
  'SpaceUpdated',
  z.object({ spaceId: Uuid, name: z.string().optional(), floor: z.string().nullable().optional(), zone: z.string().nullable().optional() }),
);
export const SpaceDisabled = defineEvent('booking', 'SpaceDisabled', z.object({ spaceId: Uuid }));

/** Why a booking was cancelled: by a person (the default), or by plass while erasing its booker. */
export const CancellationReason = z.enum(['requested', 'erasure']);
export const BookingCancelled = defineEvent(
  'booking',
  'BookingCancelled',
  z.object({ bookingId: Uuid, spaceId: Uuid, start: Timestamp, end: Timestamp, reason: CancellationReason.optional() }),
);
/** `start` and `end` let consumers that keep no booking ids (analytics) place the check-in; absent in events of before them. */
export const BookingCheckedIn = defineEvent('booking', 'BookingCheckedIn', z.object({ bookingId: Uuid, spaceId: Uuid, start: Timestamp.optional(), end: Timestamp.optional() }));
/** Not checked in within the grace period after start: the rest of the slot is free again. */
export const BookingReleasedAsNoShow = defineEvent('booking', 'BookingReleasedAsNoShow', z.object({ bookingId: Uuid, spaceId: Uuid, start: Timestamp, end: Timestamp }));

/**
 * A person's limits ledger (stream named by a pseudonym of the booker, never published, deleted on
 * erasure): what the per-user limits (upcoming, concurrent) are decided on.
 */
export const LedgerBookingAdded = defineEvent(
  'booking',
  'LedgerBookingAdded',
  /**
   * `spaceId` lets erasure cancel a booking from the ledger alone (absent in entries of before it);
   * `seriesId` (Recurring bookings) lets it delete the series stream (sealed with the entry).
   */
  z.object({ bookingId: Uuid, spaceId: Uuid.optional(), start: Timestamp, end: Timestamp, seriesId: Uuid.optional() }),
);
export const LedgerBookingRemoved = defineEvent('booking', 'LedgerBookingRemoved', z.object({ bookingId: Uuid }));

/**
 * A person's ledger period (UTC month of a booking's start, `2030-03`) was first written: the
 * index of their ledger's period streams, read by erasure and export (ADR 0018).
 */
export const LedgerPeriodOpened = defineEvent('booking', 'LedgerPeriodOpened', z.object({ period: z.string().regex(/^\d{4}-\d{2}$/) }));

/**
 * A space's schedule per UTC day (a private stream, never published): the slots its bookings hold
 * that day, what overlap is decided on (ADR 0018). A booking spanning days holds a slot in each.
 */
export const SlotHeld = defineEvent('booking', 'SlotHeld', z.object({ bookingId: Uuid, spaceId: Uuid, start: Timestamp, end: Timestamp }));
export const SlotFreed = defineEvent('booking', 'SlotFreed', z.object({ bookingId: Uuid }));
/** The store's bookings were moved to the day-bounded layout (ADR 0018): written once, at the end of the migration. */
export const BookingLayoutMigrated = defineEvent('booking', 'BookingLayoutMigrated', z.object({ layout: z.literal(2), spaces: z.number().int(), ledgers: z.number().int() }));

/** A location's occupancy per local day: what location capacity is decided on. */
export const OccupancyAdded = defineEvent('booking', 'OccupancyAdded', z.object({ bookingId: Uuid, spaceId: Uuid, start: Timestamp, end: Timestamp }));
export const OccupancyRemoved = defineEvent('booking', 'OccupancyRemoved', z.object({ bookingId: Uuid }));

// Editing a booking
/**
 * A booking was moved to other times or another space (issue 19): what its slots, ledger entry and
 * occupancy follow. `bookedBy` and `subject` are the booking's own, sealed again with the booking
 * key of the new end's day (ADR 0009's retention period), so moving a booking later never lets
 * retention shred its booker before it has happened; they are absent where the booking had none.
 */
export const BookingRescheduled = defineEvent(
  'booking',
  'BookingRescheduled',
  z.object({
    bookingId: Uuid,
    spaceId: Uuid,
    /** Set only when the space changed. */
    previousSpaceId: Uuid.optional(),
    kind: SpaceKind,
    start: Timestamp,
    end: Timestamp,
    previousStart: Timestamp,
    previousEnd: Timestamp,
    bookedBy: BookedBy.optional(),
    subject: BookingSubject.optional(),
  }),
);
// End of: Editing a booking

// Recurring bookings
/** At most this many occurrences in one series (a year of daily bookings): what one request may cost. */
export const MAX_SERIES_OCCURRENCES = 366;
/**
 * How a series repeats, in the wall clock of the space's location: every `interval` days or weeks,
 * on `byWeekday` (ISO, Monday = 1; weekly defaults to the start's weekday), until an instant (an
 * occurrence starting at or before it is included) or `count` times.
 */
export const Recurrence = z.object({
  frequency: z.enum(['daily', 'weekly']),
  interval: z.number().int().min(1).max(52).optional(),
  byWeekday: z.array(IsoWeekday).min(1).max(7).optional(),
  until: Timestamp.optional(),
  count: z.number().int().min(1).max(MAX_SERIES_OCCURRENCES).optional(),
});
export type Recurrence = z.infer<typeof Recurrence>;
export const SeriesOccurrence = z.object({ bookingId: Uuid, start: Timestamp, end: Timestamp });
/**
 * A series was booked (private stream `series-<tenant>-<series>`): its confirmed occurrences, each
 * an ordinary booking with its own stream (its booker sealed there), and the ones refused. It holds
 * no person: who booked is only in each occurrence's sealed `BookingConfirmed`.
 */
export const BookingSeriesCreated = defineEvent(
  'booking',
  'BookingSeriesCreated',
  z.object({
    seriesId: Uuid,
    spaceId: Uuid,
    recurrence: Recurrence,
    occurrences: z.array(SeriesOccurrence),
    refused: z.array(z.object({ start: Timestamp, end: Timestamp, code: ErrorCode })),
  }),
);
// end Recurring bookings
