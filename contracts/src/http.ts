import { z } from 'zod';
import { Timestamp, Uuid } from './envelope.js';
import type { ErrorCode } from './errors.js';
import type { RequestContract } from './messages/define.js';
import type { CallerRole, Role } from './context.js';
import { BookingSubject, MAX_SERIES_OCCURRENCES, Recurrence, SpaceKind } from './events/booking.js';
import {
  BookingSeriesCancellation,
  BookingSeriesView,
  BookingView,
  CancelBookingSeries,
  CheckInBooking,
  CreateBookingSeries,
  EditBooking,
  SeriesOccurrenceOutcome,
  SpaceView,
} from './messages/booking.js';
import { BookingVisibilityChoice, DisplayName, Email, Locale } from './events/identity.js';
import { Jwks, Password, TokenResponse, UserView } from './messages/identity.js';
import { Page, PageQuery } from './messages/paging.js';
import { AnalyticsMinGroupSize, AnonymizeBookingsAfterDays, BookingPolicyFields, BookingVisibility } from './events/booking-policy.js';
import { IsoWeekday, TimeZone } from './events/places.js';
import { BookingPolicyView, LocationView, PrivacySettingsView, SlotView, TimeWindow } from './messages/booking.js';
import { Role as UserRole } from './context.js';
import { PolicyVersion, PrivacyRequestKind, RestrictionLiftReason, SubProcessor } from './events/privacy.js';
import {
  ChangeNotificationPreferencesBody,
  ChangeNotificationSettingsBody,
  ListMyNotifications,
  ListNotifications,
  MyNotificationLogQuery,
  NotificationLogQuery,
  NotificationPreferences,
  NotificationSettings,
} from './messages/notification.js';
import { GetHeatmap, GetPeaks, GetUtilization, HeatmapQuery, PeaksQuery, RebuildView, UtilizationQuery } from './messages/analytics.js';
import {
  AcknowledgementView,
  AuditEntry,
  ControllerContact,
  ControllerView,
  ErasureRequestView,
  ExportRequestView,
  LegalHoldView,
  PlaceLegalHold,
  RestrictProcessing,
  RestrictionView,
  PolicyView,
  PrivacyRequestSummary,
  ProcessingRecordsView,
  PublishPolicy,
  UnacknowledgedView,
} from './messages/privacy-api.js';

/** Bodies are strict: unknown fields are rejected with their paths (400 validation.failed). */
export const CreateSpaceBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: SpaceKind,
  floor: z.string().trim().min(1).max(50).optional(),
  zone: z.string().trim().min(1).max(50).optional(),
});

const nonEmpty = { message: 'name at least one field to change' };
const Weekdays = z
  .array(IsoWeekday)
  .min(1)
  .max(7)
  .refine((days) => new Set(days).size === days.length, { message: 'each weekday once' });

export const CreateLocationBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  timezone: TimeZone,
  bookableWeekdays: Weekdays,
  capacity: z.number().int().positive().max(100_000).optional(),
});
export const UpdateLocationBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    timezone: TimeZone.optional(),
    bookableWeekdays: Weekdays.optional(),
    capacity: z.number().int().positive().max(100_000).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, nonEmpty);
export const UpdateSpaceBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    floor: z.string().trim().min(1).max(50).nullable().optional(),
    zone: z.string().trim().min(1).max(50).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, nonEmpty);
export const BookingPolicyBody = z.strictObject(BookingPolicyFields.partial().shape).refine((body) => Object.keys(body).length > 0, nonEmpty);
export const PrivacySettingsBody = z
  .strictObject({
    bookingVisibility: BookingVisibility.optional(),
    anonymizeBookingsAfterDays: AnonymizeBookingsAfterDays.optional(),
    analyticsMinGroupSize: AnalyticsMinGroupSize.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, nonEmpty);
export const WindowQuery = TimeWindow;

export const CreateBookingBody = z
  .strictObject({
    spaceId: Uuid,
    start: Timestamp,
    end: Timestamp,
    subject: BookingSubject.optional(),
    /** Admins may book for a user of their tenant. */
    onBehalfOf: Uuid.optional(),
  })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] });

// Recurring bookings
export const RecurrenceBody = z
  .strictObject({ ...Recurrence.shape, byWeekday: Weekdays.optional() })
  .refine((r) => (r.until === undefined) !== (r.count === undefined), { message: 'name exactly one of until and count', path: ['until'] });
export const CreateBookingSeriesBody = z
  .strictObject({
    spaceId: Uuid,
    /** The first occurrence; the others keep its wall-clock times in the location's time zone. */
    start: Timestamp,
    end: Timestamp,
    subject: BookingSubject.optional(),
    recurrence: RecurrenceBody,
    /** Book the occurrences that fit; by default one refused occurrence books none. */
    partial: z.boolean().optional(),
  })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] })
  .refine((b) => b.recurrence.until === undefined || Date.parse(b.recurrence.until) >= Date.parse(b.start), {
    message: 'until must not be before start',
    path: ['recurrence', 'until'],
  });
// end Recurring bookings

export const IdParams = z.strictObject({ id: Uuid });

// Editing a booking
/** What an edit changes: any of start, end and space, the rest stays (same rules as a new booking). */
export const EditBookingBody = z
  .strictObject({ start: Timestamp.optional(), end: Timestamp.optional(), spaceId: Uuid.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' })
  .refine((b) => b.start === undefined || b.end === undefined || Date.parse(b.end) > Date.parse(b.start), { message: 'end must be after start', path: ['end'] });
// End of: Editing a booking

export const SubjectBody = z.strictObject({ subjectId: Uuid });
export const PrivacyRequestsQuery = z.strictObject({
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  kind: PrivacyRequestKind.optional(),
});
export const PublishPolicyBody = z.strictObject(PublishPolicy.request.shape);
export const AcknowledgePolicyBody = z.strictObject({ version: PolicyVersion });
export const SubProcessorsBody = z.strictObject({ items: z.array(z.strictObject(SubProcessor.shape)).max(100) });
export const LegalHoldBody = z.strictObject(PlaceLegalHold.request.shape);
const DpoContact = ControllerContact.shape.dpo.unwrap();
export const ControllerBody = z.strictObject({ ...ControllerContact.shape, dpo: z.strictObject(DpoContact.shape).optional() });
export const UtilizationParams = z.strictObject(UtilizationQuery.shape);
export const HeatmapParams = z.strictObject(HeatmapQuery.shape);
export const PeaksParams = z.strictObject(PeaksQuery.shape);
export const RestrictionBody = z.strictObject(RestrictProcessing.request.shape);
export const LiftRestrictionQuery = z.strictObject({ reason: RestrictionLiftReason });

export const CreateTenantBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  admin: z.strictObject({ email: Email, displayName: DisplayName, password: Password }),
});
export const CreateUserBody = z.strictObject({
  email: Email,
  displayName: DisplayName,
  role: UserRole,
  password: Password.optional(),
  locale: Locale.optional(),
});
export const ChangeUserBody = z
  .strictObject({ role: UserRole.optional(), email: Email.optional(), displayName: DisplayName.optional() })
  .refine((body) => Object.keys(body).length > 0, nonEmpty);
export const UpdateMeBody = z
  .strictObject({ email: Email.optional(), displayName: DisplayName.optional(), locale: Locale.optional(), bookingVisibility: BookingVisibilityChoice.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });
export const TokenBody = z.strictObject({ tenantId: Uuid, email: z.string().max(254), password: z.string().max(200) });
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });
export const SetPasswordBody = z.strictObject({ token: z.string().min(1).max(200), password: Password });
export const CreatedTenant = z.object({ tenantId: Uuid, adminUserId: Uuid });
export const CreatedUser = z.object({ id: Uuid });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  // Recurring bookings: `booking.series_refused` lists every occurrence's outcome.
  occurrences: z.array(SeriesOccurrenceOutcome).optional(),
});

export const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });

export interface RouteContract {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form: `/v1/bookings/{id}`. */
  path: string;
  summary: string;
  /** `public` routes need no token. */
  roles: readonly CallerRole[] | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: { status: number; schema?: z.ZodType; description: string };
  problems: readonly ErrorCode[];
  /** A POST that creates: `Idempotency-Key` makes a retry within 24 h answer as the first attempt did. */
  idempotent?: true;
  /** Other representations of the success answer, chosen with `Accept` (e.g. `text/csv`). */
  alternativeMediaTypes?: readonly string[];
  /** The success answer's media type when it is not JSON. */
  responseContentType?: string;
  /** The success answer carries the resource's version as a strong `ETag`. */
  etag?: true;
  /** The route honours `If-Match` with that `ETag` (a stale one is 412). */
  conditional?: true;
  /**
   * The route is one bus request and the gateway forwards it as such, with no handler of its own
   * (ADR 0018, "a new command"): the request is the body and the query, plus the path's ids, the
   * created resource's id and the `If-Match` version under the names given here.
   */
  forward?: ForwardedRoute;
}

export interface ForwardedRoute {
  request: RequestContract;
  /** Path parameters as request fields, e.g. `{ id: 'bookingId' }`. */
  params?: Readonly<Record<string, string>>;
  /** The request field that takes the resource id an `Idempotency-Key` fixes (idempotent routes). */
  resourceId?: string;
  /** The request field that takes the `If-Match` version (conditional routes). */
  expectedVersion?: string;
  /** The created resource's address (`Location`): this path with `{id}` the answer's `id`. */
  location?: string;
}

const anyone: readonly Role[] = ['employee', 'admin', 'analyst', 'privacy_officer'];
const admins: readonly Role[] = ['admin'];
const officers: readonly Role[] = ['privacy_officer', 'admin'];
const analysts: readonly Role[] = ['analyst', 'admin'];
/** Every authenticated route can answer these. */
const always: readonly ErrorCode[] = ['auth.unauthenticated', 'auth.forbidden', 'service.unavailable'];
/** What deciding a booking's slot can refuse, for a new booking and for one moved (an edit). */
const slotRules: readonly ErrorCode[] = [
  'space.not_found',
  'location.not_found',
  'booking.conflict',
  'concurrency.conflict',
  'booking.space_disabled',
  'booking.in_past',
  'booking.too_far_in_advance',
  'booking.duration',
  'booking.weekday_not_bookable',
  'booking.too_many_upcoming',
  'booking.concurrent_limit',
  'booking.capacity_reached',
  'privacy.policy_not_acknowledged',
  'privacy.processing_restricted',
];
/** Every route with a JSON body can answer these. */
const bodyProblems: readonly ErrorCode[] = ['validation.failed', 'request.malformed', 'request.too_large', 'request.unsupported_media_type'];

export const routes = {
  createLocation: {
    operationId: 'createLocation',
    method: 'POST',
    idempotent: true,
    path: '/v1/locations',
    summary: 'Create a location (an office) with its time zone, bookable weekdays and optional capacity',
    roles: admins,
    body: CreateLocationBody,
    response: { status: 201, schema: LocationView, description: 'The location' },
    problems: [...always, ...bodyProblems],
  },
  listLocations: {
    operationId: 'listLocations',
    method: 'GET',
    path: '/v1/locations',
    summary: "List your tenant's locations",
    roles: anyone,
    query: PageQuery,
    response: { status: 200, schema: Page(LocationView), description: 'A page of locations' },
    problems: [...always, 'validation.failed'],
  },
  getLocation: {
    operationId: 'getLocation',
    method: 'GET',
    path: '/v1/locations/{id}',
    summary: 'Read a location',
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: LocationView, description: 'The location' },
    problems: [...always, 'validation.failed', 'location.not_found'],
  },
  updateLocation: {
    operationId: 'updateLocation',
    method: 'PATCH',
    path: '/v1/locations/{id}',
    summary: 'Change a location (any subset of its fields; capacity null removes the cap)',
    roles: admins,
    params: IdParams,
    body: UpdateLocationBody,
    response: { status: 200, schema: LocationView, description: 'The location' },
    problems: [...always, ...bodyProblems, 'location.not_found'],
  },
  disableLocation: {
    operationId: 'disableLocation',
    method: 'POST',
    path: '/v1/locations/{id}/disable',
    summary: 'Disable a location: no new bookings; existing ones stay',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: LocationView, description: 'The location' },
    problems: [...always, 'validation.failed', 'location.not_found'],
  },
  createSpace: {
    operationId: 'createSpace',
    method: 'POST',
    idempotent: true,
    path: '/v1/locations/{id}/spaces',
    summary: 'Create a bookable space (desk, room or parking spot) in a location',
    roles: admins,
    params: IdParams,
    body: CreateSpaceBody,
    response: { status: 201, schema: SpaceView, description: 'The created space' },
    problems: [...always, ...bodyProblems, 'location.not_found'],
  },
  listSpaces: {
    operationId: 'listSpaces',
    method: 'GET',
    path: '/v1/locations/{id}/spaces',
    summary: "List a location's spaces",
    roles: anyone,
    params: IdParams,
    query: PageQuery,
    response: { status: 200, schema: Page(SpaceView), description: 'A page of spaces' },
    problems: [...always, 'validation.failed', 'location.not_found'],
  },
  locationAvailability: {
    operationId: 'locationAvailability',
    method: 'GET',
    path: '/v1/locations/{id}/availability',
    summary: "Every space of a location with its bookings in a window; bookers' names only where visibility allows",
    roles: anyone,
    params: IdParams,
    query: WindowQuery,
    response: { status: 200, schema: z.object({ items: z.array(z.object({ space: SpaceView, bookings: z.array(SlotView) })) }), description: 'Availability' },
    problems: [...always, 'validation.failed', 'location.not_found'],
  },
  getSpace: {
    operationId: 'getSpace',
    method: 'GET',
    path: '/v1/spaces/{id}',
    summary: 'Read a space',
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: SpaceView, description: 'The space' },
    problems: [...always, 'validation.failed', 'space.not_found'],
  },
  updateSpace: {
    operationId: 'updateSpace',
    method: 'PATCH',
    path: '/v1/spaces/{id}',
    summary: 'Rename a space or move it to another floor or zone',
    roles: admins,
    params: IdParams,
    body: UpdateSpaceBody,
    response: { status: 200, schema: SpaceView, description: 'The space' },
    problems: [...always, ...bodyProblems, 'space.not_found'],
  },
  disableSpace: {
    operationId: 'disableSpace',
    method: 'POST',
    path: '/v1/spaces/{id}/disable',
    summary: 'Disable a space: no new bookings; existing ones stay',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: SpaceView, description: 'The space' },
    problems: [...always, 'validation.failed', 'space.not_found'],
  },
  listSpaceBookings: {
    operationId: 'listSpaceBookings',
    method: 'GET',
    path: '/v1/spaces/{id}/bookings',
    summary: "A space's bookings in a window; bookers' names only where visibility allows",
    roles: anyone,
    params: IdParams,
    query: WindowQuery,
    response: { status: 200, schema: z.object({ items: z.array(SlotView) }), description: 'Bookings' },
    problems: [...always, 'validation.failed', 'space.not_found'],
  },
  getBookingPolicy: {
    operationId: 'getBookingPolicy',
    method: 'GET',
    path: '/v1/settings/booking-policy',
    summary: "Read the tenant's booking rules",
    roles: admins,
    response: { status: 200, schema: BookingPolicyView, description: 'The booking policy' },
    problems: [...always],
  },
  changeBookingPolicy: {
    operationId: 'changeBookingPolicy',
    method: 'PATCH',
    path: '/v1/settings/booking-policy',
    summary: "Change any subset of the tenant's booking rules",
    roles: admins,
    body: BookingPolicyBody,
    response: { status: 200, schema: BookingPolicyView, description: 'The booking policy' },
    problems: [...always, ...bodyProblems],
  },
  getPrivacySettings: {
    operationId: 'getPrivacySettings',
    method: 'GET',
    path: '/v1/settings/privacy',
    summary: 'Read who may see who booked a space, and after how many days bookings are anonymized',
    roles: admins,
    response: { status: 200, schema: PrivacySettingsView, description: 'The privacy settings' },
    problems: [...always],
  },
  changePrivacySettings: {
    operationId: 'changePrivacySettings',
    method: 'PATCH',
    path: '/v1/settings/privacy',
    summary:
      'Change who may see who booked a space (everyone, nobody, or each user), the days after which bookings are anonymized (retention), and the minimum group size of the utilization statistics',
    roles: admins,
    body: PrivacySettingsBody,
    response: { status: 200, schema: PrivacySettingsView, description: 'The privacy settings' },
    problems: [...always, ...bodyProblems],
  },
  createBooking: {
    operationId: 'createBooking',
    method: 'POST',
    idempotent: true,
    path: '/v1/bookings',
    summary: 'Book a space for yourself',
    roles: anyone,
    body: CreateBookingBody,
    response: { status: 201, schema: BookingView, description: 'The confirmed booking' },
    problems: [...always, ...bodyProblems, ...slotRules, 'privacy.subject_erased', 'user.not_found', 'user.deactivated'],
  },
  getBooking: {
    operationId: 'getBooking',
    method: 'GET',
    path: '/v1/bookings/{id}',
    summary: 'Read a booking; personal fields read null once shredded',
    roles: anyone,
    // Editing a booking
    etag: true,
    params: IdParams,
    response: { status: 200, schema: BookingView, description: 'The booking' },
    problems: [...always, 'validation.failed', 'booking.not_found'],
  },
  listMyBookings: {
    operationId: 'listMyBookings',
    method: 'GET',
    path: '/v1/bookings',
    summary: 'Your own bookings overlapping a window',
    roles: anyone,
    query: WindowQuery,
    response: { status: 200, schema: z.object({ items: z.array(BookingView) }), description: 'Your bookings' },
    problems: [...always, 'validation.failed'],
  },
  cancelBooking: {
    operationId: 'cancelBooking',
    method: 'DELETE',
    path: '/v1/bookings/{id}',
    summary: 'Cancel a booking (yours, or any as an admin) before the cancellation cutoff',
    roles: anyone,
    params: IdParams,
    response: { status: 204, description: 'Cancelled' },
    problems: [...always, 'validation.failed', 'booking.not_found', 'booking.cancellation_too_late', 'booking.already_finished', 'concurrency.conflict'],
  },
  checkInBooking: {
    operationId: 'checkInBooking',
    method: 'POST',
    path: '/v1/bookings/{id}/check-in',
    summary: 'Check in to a booking from 15 minutes before its start until the grace period ends',
    forward: { request: CheckInBooking, params: { id: 'bookingId' } },
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: BookingView, description: 'The booking' },
    problems: [...always, 'validation.failed', 'booking.not_found', 'booking.not_checkin_time', 'concurrency.conflict'],
  },
  // Editing a booking
  editBooking: {
    operationId: 'editBooking',
    method: 'PATCH',
    path: '/v1/bookings/{id}',
    summary:
      'Move a booking (yours, or any as an admin) to other times or another space, under the rules of a new booking; atomic (the old slot is given back only if the new one is taken); If-Match with its ETag refuses a stale edit (412)',
    forward: { request: EditBooking, params: { id: 'bookingId' }, expectedVersion: 'expectedVersion' },
    roles: anyone,
    etag: true,
    conditional: true,
    params: IdParams,
    body: EditBookingBody,
    response: { status: 200, schema: BookingView, description: 'The booking, moved; ETag: its new version' },
    problems: [...always, ...bodyProblems, 'booking.not_found', 'booking.version_mismatch', 'booking.already_started', 'booking.already_finished', ...slotRules],
  },
  // End of: Editing a booking

  // Recurring bookings
  createBookingSeries: {
    operationId: 'createBookingSeries',
    method: 'POST',
    idempotent: true,
    path: '/v1/bookings/series',
    summary: `Book a space repeatedly (daily or weekly, at most ${MAX_SERIES_OCCURRENCES} occurrences, in the location's wall clock across DST changes): all occurrences or none, or with partial the ones that fit`,
    forward: { request: CreateBookingSeries, resourceId: 'seriesId', location: '/v1/bookings/series/{id}' },
    roles: anyone,
    body: CreateBookingSeriesBody,
    response: { status: 201, schema: BookingSeriesView, description: 'The series: each occurrence confirmed with its booking, or refused with the problem code' },
    problems: [
      ...always,
      ...bodyProblems,
      'booking.series_refused',
      'space.not_found',
      'location.not_found',
      'concurrency.conflict',
      'booking.space_disabled',
      'booking.too_far_in_advance',
      'booking.duration',
      'privacy.policy_not_acknowledged',
      'privacy.processing_restricted',
      'privacy.subject_erased',
      'user.deactivated',
    ],
  },
  cancelBookingSeries: {
    operationId: 'cancelBookingSeries',
    method: 'DELETE',
    path: '/v1/bookings/series/{id}',
    summary: 'Cancel the occurrences of a series (yours, or any as an admin) that have not started; those past the cancellation cutoff are skipped and listed',
    forward: { request: CancelBookingSeries, params: { id: 'seriesId' } },
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: BookingSeriesCancellation, description: 'Each occurrence: cancelled, or skipped with the reason' },
    problems: [...always, 'validation.failed', 'booking.series_not_found', 'concurrency.conflict'],
  },
  // end Recurring bookings
  createTenant: {
    operationId: 'createTenant',
    method: 'POST',
    idempotent: true,
    path: '/v1/tenants',
    summary: 'Create a tenant (a company) with its first admin — platform operator only',
    roles: ['operator'],
    body: CreateTenantBody,
    response: { status: 201, schema: CreatedTenant, description: 'The tenant and its admin user' },
    problems: [...always, ...bodyProblems],
  },
  createUser: {
    operationId: 'createUser',
    method: 'POST',
    idempotent: true,
    path: '/v1/users',
    summary: 'Register a user in your tenant',
    roles: admins,
    body: CreateUserBody,
    response: { status: 201, schema: CreatedUser, description: 'The new user' },
    problems: [...always, ...bodyProblems, 'user.email_taken'],
  },
  listUsers: {
    operationId: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    summary: "List your tenant's users",
    roles: admins,
    query: PageQuery,
    response: { status: 200, schema: Page(UserView), description: 'A page of users' },
    problems: [...always, 'validation.failed'],
  },
  getUser: {
    operationId: 'getUser',
    method: 'GET',
    path: '/v1/users/{id}',
    summary: 'Read a user',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: UserView, description: 'The user' },
    problems: [...always, 'validation.failed', 'user.not_found'],
  },
  changeUser: {
    operationId: 'changeUser',
    method: 'PATCH',
    path: '/v1/users/{id}',
    summary: "Change a user's role, or correct their e-mail or name (rectification, GDPR Art. 16)",
    roles: admins,
    params: IdParams,
    body: ChangeUserBody,
    response: { status: 200, schema: UserView, description: 'The user' },
    problems: [...always, ...bodyProblems, 'user.not_found', 'user.deactivated', 'user.email_taken'],
  },
  deactivateUser: {
    operationId: 'deactivateUser',
    method: 'POST',
    path: '/v1/users/{id}/deactivate',
    summary: 'Deactivate a user: no more logins, tokens stop working at expiry',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: UserView, description: 'The user' },
    problems: [...always, 'validation.failed', 'user.not_found'],
  },
  getMe: {
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    summary: 'Read your own profile',
    roles: anyone,
    response: { status: 200, schema: UserView, description: 'You' },
    problems: [...always, 'user.not_found'],
  },
  updateMe: {
    operationId: 'updateMe',
    method: 'PATCH',
    path: '/v1/me',
    summary: 'Correct your e-mail or display name, or change your locale or booking-visibility preference',
    roles: anyone,
    body: UpdateMeBody,
    response: { status: 200, schema: UserView, description: 'You' },
    problems: [...always, ...bodyProblems, 'user.not_found', 'user.email_taken'],
  },
  issueToken: {
    operationId: 'issueToken',
    method: 'POST',
    path: '/v1/auth/token',
    summary: 'Log in: exchange e-mail and password for an access token (EdDSA JWT) and a refresh token',
    roles: 'public',
    body: TokenBody,
    response: { status: 200, schema: TokenResponse, description: 'Tokens' },
    problems: [...bodyProblems, 'auth.invalid_credentials', 'auth.rate_limited', 'service.unavailable'],
  },
  refreshToken: {
    operationId: 'refreshToken',
    method: 'POST',
    path: '/v1/auth/refresh',
    summary: 'Exchange a refresh token (used once) for new tokens',
    roles: 'public',
    body: RefreshBody,
    response: { status: 200, schema: TokenResponse, description: 'Tokens' },
    problems: [...bodyProblems, 'auth.invalid_credentials', 'service.unavailable'],
  },
  setPassword: {
    operationId: 'setPassword',
    method: 'POST',
    path: '/v1/auth/password',
    summary: 'Set your first password with the single-use token from your invitation mail (valid 72 hours); then log in with it',
    roles: 'public',
    body: SetPasswordBody,
    response: { status: 204, description: 'The password is set; the token and any other of your set-password tokens no longer work' },
    problems: [...bodyProblems, 'auth.invalid_token', 'auth.rate_limited', 'service.unavailable'],
  },
  jwks: {
    operationId: 'jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    summary: 'The public keys that verify access tokens',
    roles: 'public',
    response: { status: 200, schema: Jwks, description: 'JSON Web Key Set' },
    problems: ['service.unavailable'],
  },
  requestErasure: {
    operationId: 'requestErasure',
    method: 'POST',
    idempotent: true,
    path: '/v1/privacy/erasure-requests',
    summary: 'Ask for a person to be erased (GDPR Art. 17): yourself, or anyone as a privacy officer or admin',
    roles: anyone,
    body: SubjectBody,
    response: { status: 202, schema: ErasureRequestView, description: 'The erasure request, pending' },
    problems: [...always, ...bodyProblems, 'user.not_found'],
  },
  getErasureRequest: {
    operationId: 'getErasureRequest',
    method: 'GET',
    path: '/v1/privacy/erasure-requests/{id}',
    summary: "An erasure request's status, due date and the receipt of every service",
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: ErasureRequestView, description: 'The erasure request' },
    problems: [...always, 'validation.failed', 'privacy.request_not_found'],
  },
  requestExport: {
    operationId: 'requestExport',
    method: 'POST',
    idempotent: true,
    path: '/v1/privacy/export-requests',
    summary: "Ask for a person's data as one JSON bundle (GDPR Art. 15/20): yours, or anyone's as a privacy officer or admin",
    roles: anyone,
    body: SubjectBody,
    response: { status: 202, schema: ExportRequestView, description: 'The export request, pending' },
    problems: [...always, ...bodyProblems, 'user.not_found', 'privacy.subject_erased'],
  },
  getExportRequest: {
    operationId: 'getExportRequest',
    method: 'GET',
    path: '/v1/privacy/export-requests/{id}',
    summary: 'An export request; once completed it holds the bundle',
    roles: anyone,
    params: IdParams,
    response: { status: 200, schema: ExportRequestView, description: 'The export request' },
    problems: [...always, 'validation.failed', 'privacy.request_not_found'],
  },
  listPrivacyRequests: {
    operationId: 'listPrivacyRequests',
    method: 'GET',
    path: '/v1/privacy/requests',
    summary: 'Erasure and export requests with their due dates (one month, Art. 12(3)); `overdue=true` lists the late ones',
    roles: officers,
    query: PrivacyRequestsQuery,
    response: { status: 200, schema: z.object({ items: z.array(PrivacyRequestSummary) }), description: 'The requests' },
    problems: [...always, 'validation.failed'],
  },
  getPrivacyPolicy: {
    operationId: 'getPrivacyPolicy',
    method: 'GET',
    path: '/v1/privacy/policy',
    summary: "The tenant's current privacy policy",
    roles: anyone,
    response: { status: 200, schema: PolicyView, description: 'The current policy' },
    problems: [...always, 'privacy.policy_not_found'],
  },
  publishPrivacyPolicy: {
    operationId: 'publishPrivacyPolicy',
    method: 'PUT',
    path: '/v1/privacy/policy',
    summary: 'Publish a new version of the privacy policy, optionally requiring acknowledgement before booking',
    roles: admins,
    body: PublishPolicyBody,
    response: { status: 200, schema: PolicyView, description: 'The published policy' },
    problems: [...always, ...bodyProblems, 'privacy.policy_version_mismatch'],
  },
  acknowledgePrivacyPolicy: {
    operationId: 'acknowledgePrivacyPolicy',
    method: 'POST',
    idempotent: true,
    path: '/v1/privacy/policy/acknowledgements',
    summary: 'Acknowledge the current version of the privacy policy',
    roles: anyone,
    body: AcknowledgePolicyBody,
    response: { status: 201, schema: AcknowledgementView, description: 'Your acknowledgement' },
    problems: [...always, ...bodyProblems, 'privacy.policy_not_found', 'privacy.policy_version_mismatch', 'privacy.subject_erased'],
  },
  withdrawPolicyAcknowledgement: {
    operationId: 'withdrawPolicyAcknowledgement',
    method: 'DELETE',
    path: '/v1/privacy/policy/acknowledgements/current',
    summary:
      'Withdraw your acknowledgement of the current privacy policy (GDPR Art. 7(3)); where the policy requires it, you cannot book, nor be booked for, until you acknowledge it again',
    roles: anyone,
    response: { status: 204, description: 'Withdrawn' },
    problems: [...always, 'privacy.policy_not_found', 'privacy.acknowledgement_not_found', 'privacy.subject_erased'],
  },
  listUnacknowledged: {
    operationId: 'listUnacknowledged',
    method: 'GET',
    path: '/v1/privacy/policy/unacknowledged',
    summary: 'Active users who have not acknowledged the current policy version',
    roles: officers,
    response: { status: 200, schema: UnacknowledgedView, description: 'Who has not acknowledged' },
    problems: [...always, 'privacy.policy_not_found'],
  },
  getProcessingRecords: {
    operationId: 'getProcessingRecords',
    method: 'GET',
    path: '/v1/privacy/processing-records',
    summary: 'The record of processing activities (GDPR Art. 30), generated from the personal-data marks of the contracts',
    roles: officers,
    response: { status: 200, schema: ProcessingRecordsView, description: 'The record of processing' },
    problems: [...always],
  },
  setSubProcessors: {
    operationId: 'setSubProcessors',
    method: 'PUT',
    path: '/v1/privacy/sub-processors',
    summary: "Replace the tenant's list of sub-processors shown in the record of processing",
    roles: admins,
    body: SubProcessorsBody,
    response: { status: 200, schema: z.object({ items: z.array(SubProcessor) }), description: 'The sub-processors' },
    problems: [...always, ...bodyProblems],
  },
  setController: {
    operationId: 'setController',
    method: 'PUT',
    path: '/v1/privacy/controller',
    summary: 'Set who the controller is and how it and its data protection officer are reached (Art. 13, 30(1)(a), 37(7)); the previous contact is crypto-shredded',
    roles: admins,
    body: ControllerBody,
    response: { status: 200, schema: ControllerView, description: 'The contact in force' },
    problems: [...always, ...bodyProblems],
  },
  getController: {
    operationId: 'getController',
    method: 'GET',
    path: '/v1/privacy/controller',
    summary: 'Who the controller is and how to reach it and its data protection officer',
    roles: anyone,
    response: { status: 200, schema: ControllerView, description: 'The contact' },
    problems: [...always, 'privacy.controller_not_set'],
  },
  placeLegalHold: {
    operationId: 'placeLegalHold',
    method: 'POST',
    idempotent: true,
    path: '/v1/privacy/legal-holds',
    summary: "Place a legal hold on a person's data: their erasure is refused with its reason (Art. 17(3))",
    roles: officers,
    body: LegalHoldBody,
    response: { status: 201, schema: LegalHoldView, description: 'The hold' },
    problems: [...always, ...bodyProblems, 'user.not_found', 'privacy.subject_erased'],
  },
  listLegalHolds: {
    operationId: 'listLegalHolds',
    method: 'GET',
    path: '/v1/privacy/legal-holds',
    summary: 'Active legal holds',
    roles: officers,
    response: { status: 200, schema: z.object({ items: z.array(LegalHoldView) }), description: 'The holds' },
    problems: [...always],
  },
  liftLegalHold: {
    operationId: 'liftLegalHold',
    method: 'DELETE',
    path: '/v1/privacy/legal-holds/{id}',
    summary: 'Lift a legal hold',
    roles: officers,
    params: IdParams,
    response: { status: 204, description: 'Lifted' },
    problems: [...always, 'validation.failed', 'privacy.legal_hold_not_found'],
  },
  restrictProcessing: {
    operationId: 'restrictProcessing',
    method: 'POST',
    idempotent: true,
    path: '/v1/privacy/restrictions',
    summary:
      "Restrict the processing of a person's data (GDPR Art. 18) or object to it (Art. 21): their data is kept, but no booking is made by or for them until the restriction is lifted. Without subjectId, your own; officers may name anyone of the tenant",
    roles: anyone,
    body: RestrictionBody,
    response: { status: 201, schema: RestrictionView, description: 'The restriction, in force' },
    problems: [...always, ...bodyProblems, 'user.not_found', 'privacy.subject_erased'],
  },
  listRestrictions: {
    operationId: 'listRestrictions',
    method: 'GET',
    path: '/v1/privacy/restrictions',
    summary: 'Restrictions in force: every one for officers, your own for anyone else',
    roles: anyone,
    response: { status: 200, schema: z.object({ items: z.array(RestrictionView) }), description: 'The restrictions, oldest first' },
    problems: [...always],
  },
  liftRestriction: {
    operationId: 'liftRestriction',
    method: 'DELETE',
    path: '/v1/privacy/restrictions/{id}',
    summary: 'Lift a restriction: officers with the reason (tell the person first, Art. 18(3)); the person themself with withdrawn_by_subject',
    roles: anyone,
    params: IdParams,
    query: LiftRestrictionQuery,
    response: { status: 204, description: "Lifted: booking processes the person's data again" },
    problems: [...always, 'validation.failed', 'privacy.restriction_not_found'],
  },
  getUtilization: {
    operationId: 'getUtilization',
    method: 'GET',
    path: '/v1/analytics/utilization',
    summary:
      'Anonymous utilization per location, floor, zone, kind or space and hour, day, week or month (local time of each location); cells from fewer distinct bookings than analyticsMinGroupSize are suppressed, with complements. Also as CSV (Accept: text/csv)',
    roles: analysts,
    query: UtilizationParams,
    response: { status: 200, schema: GetUtilization.response, description: 'The buckets' },
    alternativeMediaTypes: ['text/csv'],
    problems: [...always, 'validation.failed', 'location.not_found', 'analytics.too_many_buckets'],
  },
  getHeatmap: {
    operationId: 'getHeatmap',
    method: 'GET',
    path: '/v1/analytics/heatmap',
    summary: 'Occupancy of a location (or one floor) by weekday and local hour over the range; suppressed cells are null. Also as CSV',
    roles: analysts,
    query: HeatmapParams,
    response: { status: 200, schema: GetHeatmap.response, description: 'The weekday × hour matrix' },
    alternativeMediaTypes: ['text/csv'],
    problems: [...always, 'validation.failed', 'location.not_found'],
  },
  getPeaks: {
    operationId: 'getPeaks',
    method: 'GET',
    path: '/v1/analytics/peaks',
    summary: 'The busiest weekday × hour and the busiest day of the range, per location (among cells not suppressed). Also as CSV',
    roles: analysts,
    query: PeaksParams,
    response: { status: 200, schema: GetPeaks.response, description: 'The peaks per location' },
    alternativeMediaTypes: ['text/csv'],
    problems: [...always, 'validation.failed'],
  },
  startAnalyticsRebuild: {
    operationId: 'startAnalyticsRebuild',
    method: 'POST',
    path: '/v1/analytics/rebuild',
    summary: "Replay booking's events into a fresh statistics store and swap it in; follow the status resource",
    roles: admins,
    response: { status: 202, schema: RebuildView, description: 'The rebuild, running' },
    problems: [...always],
  },
  getAnalyticsRebuild: {
    operationId: 'getAnalyticsRebuild',
    method: 'GET',
    path: '/v1/analytics/rebuild/{id}',
    summary: 'The status of a rebuild of the statistics',
    roles: admins,
    params: IdParams,
    response: { status: 200, schema: RebuildView, description: 'The rebuild' },
    problems: [...always, 'validation.failed', 'analytics.rebuild_not_found'],
  },
  readAuditLog: {
    operationId: 'readAuditLog',
    method: 'GET',
    path: '/v1/privacy/audit-log',
    summary: 'The append-only log of privacy operations in a window (ids, times and outcomes only)',
    roles: ['privacy_officer'],
    query: WindowQuery,
    response: { status: 200, schema: z.object({ items: z.array(AuditEntry) }), description: 'The entries, oldest first' },
    problems: [...always, 'validation.failed'],
  },
  getMyNotificationPreferences: {
    operationId: 'getMyNotificationPreferences',
    method: 'GET',
    path: '/v1/me/notifications',
    summary: 'Read which optional mails you get (confirmations, reminders); cancellations and releases always go',
    roles: anyone,
    response: { status: 200, schema: NotificationPreferences, description: 'Your choices' },
    problems: [...always],
  },
  changeMyNotificationPreferences: {
    operationId: 'changeMyNotificationPreferences',
    method: 'PATCH',
    path: '/v1/me/notifications',
    summary: 'Turn booking confirmations or reminders on or off for yourself',
    roles: anyone,
    body: ChangeNotificationPreferencesBody,
    response: { status: 200, schema: NotificationPreferences, description: 'Your choices' },
    problems: [...always, ...bodyProblems],
  },
  listMyNotifications: {
    operationId: 'listMyNotifications',
    method: 'GET',
    path: '/v1/me/notifications/log',
    summary: 'The mails sent to you: kind, status, provider, times and booking, oldest first',
    roles: anyone,
    query: z.strictObject(MyNotificationLogQuery.shape),
    response: { status: 200, schema: ListMyNotifications.response, description: 'A page of the log' },
    problems: [...always, 'validation.failed'],
  },
  getNotificationSettings: {
    operationId: 'getNotificationSettings',
    method: 'GET',
    path: '/v1/settings/notifications',
    summary: "Read which mails the tenant sends, the reminder's lead time, the sender and the base URL of links",
    roles: admins,
    response: { status: 200, schema: NotificationSettings, description: 'The notification settings' },
    problems: [...always],
  },
  changeNotificationSettings: {
    operationId: 'changeNotificationSettings',
    method: 'PATCH',
    path: '/v1/settings/notifications',
    summary: "Change which mails the tenant sends, the reminder's lead time (0 turns reminders off), the sender or the base URL",
    roles: admins,
    body: ChangeNotificationSettingsBody,
    response: { status: 200, schema: NotificationSettings, description: 'The notification settings' },
    problems: [...always, ...bodyProblems],
  },
  listNotifications: {
    operationId: 'listNotifications',
    method: 'GET',
    path: '/v1/notifications',
    summary: "The tenant's notification log, or one user's: kind, status, provider, times and booking, oldest first (never an address)",
    roles: admins,
    query: z.strictObject(NotificationLogQuery.shape),
    response: { status: 200, schema: ListNotifications.response, description: 'A page of the log' },
    problems: [...always, 'validation.failed'],
  },
  getBookingCalendar: {
    operationId: 'getBookingCalendar',
    method: 'GET',
    path: '/v1/bookings/{id}.ics',
    summary: 'Your booking as an RFC 5545 calendar entry (METHOD:REQUEST, or METHOD:CANCEL once cancelled or released)',
    roles: anyone,
    params: IdParams,
    response: { status: 200, description: 'The calendar entry' },
    responseContentType: 'text/calendar; charset=utf-8',
    problems: [...always, 'validation.failed', 'booking.not_found'],
  },
  healthz: {
    operationId: 'healthz',
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the gateway process answers',
    roles: 'public',
    response: { status: 200, schema: Health, description: 'Alive' },
    problems: [],
  },
  readyz: {
    operationId: 'readyz',
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: NATS is connected and the identity, booking and privacy services answer',
    roles: 'public',
    response: { status: 200, schema: Health, description: 'Ready' },
    problems: ['service.unavailable'],
  },
} as const satisfies Record<string, RouteContract>;

export type RouteId = keyof typeof routes;
