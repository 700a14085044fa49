import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { BookedBy, BookingSubject, Recurrence, SpaceKind, SpaceUpdated } from '../events/booking.js';
import { ErrorCode } from '../errors.js';
import { AnalyticsMinGroupSize, AnonymizeBookingsAfterDays, BookingPolicyFields, BookingVisibility } from '../events/booking-policy.js';
import { IsoWeekday, LocationCreated, LocationUpdated, TimeZone } from '../events/places.js';
import { defineRequest } from './define.js';
import { Page, PageQuery } from './paging.js';

export const PlaceStatus = z.enum(['active', 'disabled']);

export const LocationView = z.object({
  id: Uuid,
  name: z.string(),
  timezone: TimeZone,
  bookableWeekdays: z.array(IsoWeekday),
  capacity: z.number().int().positive().nullable(),
  status: PlaceStatus,
});
export type LocationView = z.infer<typeof LocationView>;

export const SpaceView = z.object({
  id: Uuid,
  locationId: Uuid.optional(),
  name: z.string(),
  kind: SpaceKind,
  floor: z.string().optional(),
  zone: z.string().optional(),
  status: PlaceStatus.optional(),
});
export type SpaceView = z.infer<typeof SpaceView>;

export const BookingStatus = z.enum(['confirmed', 'checked_in', 'cancelled', 'released']);

/** A booking as read back: personal fields are null where their key was destroyed, named in `redacted`. */
export const BookingView = z.object({
  id: Uuid,
  spaceId: Uuid,
  kind: SpaceKind,
  start: Timestamp,
  end: Timestamp,
  status: BookingStatus,
  bookedBy: BookedBy.nullable(),
  subject: BookingSubject.nullable(),
  redacted: z.array(z.string()),
  /** The booking's version, its `ETag` and what `If-Match` names: the revision of its own stream (0 once confirmed, one more per later event). */
  version: z.number().int().nonnegative(),
});
export type BookingView = z.infer<typeof BookingView>;

/** One booking in a space's or a location's schedule: the booker's name only where visibility allows. */
export const SlotView = z.object({
  id: Uuid,
  spaceId: Uuid,
  start: Timestamp,
  end: Timestamp,
  status: BookingStatus,
  booker: z.string().nullable(),
});
export type SlotView = z.infer<typeof SlotView>;

/** A window of time to list: `from` < `to`, at most 62 days. */
export const TimeWindow = z
  .object({ from: Timestamp, to: Timestamp })
  .refine((w) => Date.parse(w.to) > Date.parse(w.from), { message: 'to must be after from', path: ['to'] })
  .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= 62 * 86_400_000, { message: 'at most 62 days', path: ['to'] });

/** A command carries what its event will record, less the ids the service assigns. */
export const CreateLocation = defineRequest('booking.cmd.CreateLocation', LocationCreated.data.omit({ locationId: true }), LocationView);
export const ListLocations = defineRequest('booking.qry.ListLocations', PageQuery, Page(LocationView));
export const GetLocation = defineRequest('booking.qry.GetLocation', z.object({ locationId: Uuid }), LocationView);
export const UpdateLocation = defineRequest('booking.cmd.UpdateLocation', LocationUpdated.data, LocationView);
export const DisableLocation = defineRequest('booking.cmd.DisableLocation', z.object({ locationId: Uuid }), LocationView);

export const CreateSpace = defineRequest(
  'booking.cmd.CreateSpace',
  z.object({ locationId: Uuid, name: z.string(), kind: SpaceKind, floor: z.string().optional(), zone: z.string().optional() }),
  SpaceView,
);
export const ListSpaces = defineRequest('booking.qry.ListSpaces', PageQuery.extend({ locationId: Uuid }), Page(SpaceView));
export const GetSpace = defineRequest('booking.qry.GetSpace', z.object({ spaceId: Uuid }), SpaceView);
export const UpdateSpace = defineRequest('booking.cmd.UpdateSpace', SpaceUpdated.data, SpaceView);
export const DisableSpace = defineRequest('booking.cmd.DisableSpace', z.object({ spaceId: Uuid }), SpaceView);

export const BookingPolicyView = BookingPolicyFields;
export const GetBookingPolicy = defineRequest('booking.qry.GetBookingPolicy', z.object({}), BookingPolicyView);
export const ChangeBookingPolicy = defineRequest('booking.cmd.ChangeBookingPolicy', BookingPolicyFields.partial(), BookingPolicyView);

export const PrivacySettingsView = z.object({
  bookingVisibility: BookingVisibility,
  anonymizeBookingsAfterDays: AnonymizeBookingsAfterDays,
  analyticsMinGroupSize: AnalyticsMinGroupSize,
});
export const GetPrivacySettings = defineRequest('booking.qry.GetPrivacySettings', z.object({}), PrivacySettingsView);
/** Any subset of the settings. */
export const ChangePrivacySettings = defineRequest(
  'booking.cmd.ChangePrivacySettings',
  z.object({
    bookingVisibility: BookingVisibility.optional(),
    anonymizeBookingsAfterDays: AnonymizeBookingsAfterDays.optional(),
    analyticsMinGroupSize: AnalyticsMinGroupSize.optional(),
  }),
  PrivacySettingsView,
);

/** The booker is the request context's actor, or `onBehalfOf` when an admin books for a user. */
export const CreateBooking = defineRequest(
  'booking.cmd.CreateBooking',
  z.object({
    spaceId: Uuid,
    start: Timestamp,
    end: Timestamp,
    subject: BookingSubject.optional(),
    onBehalfOf: Uuid.optional(),
    /** Set by the gateway under an Idempotency-Key: a retry names the same booking, and finds it if the first attempt made it. */
    bookingId: Uuid.optional(),
  }),
  BookingView,
);
export const GetBooking = defineRequest('booking.qry.GetBooking', z.object({ bookingId: Uuid }), BookingView);
/** The actor's own bookings overlapping the window. */
export const ListMyBookings = defineRequest('booking.qry.ListMyBookings', z.object({ from: Timestamp, to: Timestamp }), z.object({ items: z.array(BookingView) }));
export const CancelBooking = defineRequest('booking.cmd.CancelBooking', z.object({ bookingId: Uuid }), z.object({}));
export const CheckInBooking = defineRequest('booking.cmd.CheckInBooking', z.object({ bookingId: Uuid }), BookingView);
export const ListSpaceBookings = defineRequest(
  'booking.qry.ListSpaceBookings',
  z.object({ spaceId: Uuid, from: Timestamp, to: Timestamp }),
  z.object({ items: z.array(SlotView) }),
);
export const LocationAvailability = defineRequest(
  'booking.qry.LocationAvailability',
  z.object({ locationId: Uuid, from: Timestamp, to: Timestamp }),
  z.object({ items: z.array(z.object({ space: SpaceView, bookings: z.array(SlotView) })) }),
);

// Editing a booking
/** Moves a booking (issue 19): absent fields stay; `expectedVersion` is the HTTP `If-Match`. */
export const EditBooking = defineRequest(
  'booking.cmd.EditBooking',
  z.object({
    bookingId: Uuid,
    start: Timestamp.optional(),
    end: Timestamp.optional(),
    spaceId: Uuid.optional(),
    expectedVersion: z.number().int().nonnegative().optional(),
  }),
  BookingView,
);
// End of: Editing a booking

// Recurring bookings
/**
 * One occurrence of a series as decided: confirmed with its booking, or refused with the problem
 * code; in a refused series (`booking.series_refused`, nothing booked) the ones that would fit are `bookable`.
 */
export const SeriesOccurrenceOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('confirmed'), bookingId: Uuid, start: Timestamp, end: Timestamp }),
  z.object({ status: z.literal('bookable'), start: Timestamp, end: Timestamp }),
  z.object({ status: z.literal('refused'), start: Timestamp, end: Timestamp, code: ErrorCode }),
]);
export type SeriesOccurrenceOutcome = z.infer<typeof SeriesOccurrenceOutcome>;
export const BookingSeriesView = z.object({ id: Uuid, spaceId: Uuid, recurrence: Recurrence, occurrences: z.array(SeriesOccurrenceOutcome) });
export type BookingSeriesView = z.infer<typeof BookingSeriesView>;
/**
 * `start`/`end` are the first occurrence's times; the others keep their wall-clock times in the
 * location's time zone. All or nothing unless `partial`.
 */
export const CreateBookingSeries = defineRequest(
  'booking.cmd.CreateBookingSeries',
  z.object({
    spaceId: Uuid,
    start: Timestamp,
    end: Timestamp,
    subject: BookingSubject.optional(),
    recurrence: Recurrence,
    partial: z.boolean().optional(),
    /** Set by the gateway under an Idempotency-Key: a retry names the same series, and finds it if the first attempt made it. */
    seriesId: Uuid.optional(),
  }),
  BookingSeriesView,
);
/** An occurrence of a cancelled series: cancelled (or already), or skipped with the reason (started, past the cutoff). */
export const SeriesCancellationOutcome = z.object({
  bookingId: Uuid,
  start: Timestamp,
  end: Timestamp,
  status: z.enum(['cancelled', 'skipped']),
  code: ErrorCode.optional(),
});
export const BookingSeriesCancellation = z.object({ id: Uuid, occurrences: z.array(SeriesCancellationOutcome) });
export const CancelBookingSeries = defineRequest('booking.cmd.CancelBookingSeries', z.object({ seriesId: Uuid }), BookingSeriesCancellation);
// end Recurring bookings
