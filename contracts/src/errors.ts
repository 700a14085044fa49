import { z } from 'zod';

/**
 * Stable error codes. Services answer with these as values; the gateway maps them once to HTTP
 * problem+json using `status`.
 */
export const problemCatalog = {
  'validation.failed': { status: 400, title: 'The request is not valid' },
  'request.malformed': { status: 400, title: 'The request body is not valid JSON' },
  'request.too_large': { status: 413, title: 'The request body is too large' },
  'idempotency.key_reused': { status: 422, title: 'The Idempotency-Key was used for another request' },
  'request.unsupported_media_type': { status: 415, title: 'The request body must be application/json' },
  'http.request_timeout': { status: 408, title: 'The request did not arrive in time' },
  'http.uri_too_long': { status: 414, title: 'The request URI is too long' },
  'http.headers_too_large': { status: 431, title: 'The request header fields are too large' },
  'route.not_found': { status: 404, title: 'No such route' },
  'method.not_allowed': { status: 405, title: 'Method not allowed on this route' },
  'auth.unauthenticated': { status: 401, title: 'Authentication is required' },
  'auth.forbidden': { status: 403, title: 'Your role may not do this' },
  'auth.invalid_credentials': { status: 401, title: 'The credentials are not valid' },
  'auth.rate_limited': { status: 429, title: 'Too many attempts; retry later' },
  'auth.invalid_token': { status: 401, title: 'The token is not valid, has expired or was used already' },
  'user.not_found': { status: 404, title: 'No such user' },
  'user.email_taken': { status: 409, title: 'A user with this e-mail already exists in the tenant' },
  'user.deactivated': { status: 422, title: 'The user is deactivated' },
  'user.password_already_set': { status: 422, title: 'The user already has a password' },
  'space.not_found': { status: 404, title: 'No such space' },
  'space.already_exists': { status: 409, title: 'The space already exists' },
  'booking.not_found': { status: 404, title: 'No such booking' },
  'booking.conflict': { status: 409, title: 'The space is already booked for that time' },
  'booking.space_disabled': { status: 422, title: 'The space cannot be booked' },
  'booking.in_past': { status: 422, title: 'The booking starts in the past' },
  'booking.too_far_in_advance': { status: 422, title: 'The booking starts too far ahead' },
  'booking.duration': { status: 422, title: 'The booking is too long or too short' },
  'booking.too_many_upcoming': { status: 422, title: 'You have too many upcoming bookings' },
  'booking.concurrent_limit': { status: 422, title: 'You already have a booking at that time' },
  'booking.capacity_reached': { status: 422, title: 'The location is full at that time' },
  'booking.weekday_not_bookable': { status: 422, title: 'The location cannot be booked on that weekday' },
  'booking.cancellation_too_late': { status: 422, title: 'It is too late to cancel this booking' },
  'booking.already_finished': { status: 422, title: 'The booking has already finished' },
  'booking.not_checkin_time': { status: 422, title: 'Check-in is only possible while the booking runs' },
  // Editing a booking
  'booking.version_mismatch': { status: 412, title: 'The booking changed since the version named in If-Match' },
  'booking.already_started': { status: 409, title: 'The booking has already started and can no longer be moved' },
  // End of: Editing a booking

  // Recurring bookings
  'booking.series_refused': { status: 409, title: 'An occurrence of the series cannot be booked: nothing was booked' },
  'booking.series_not_found': { status: 404, title: 'No such booking series' },
  // end Recurring bookings
  'location.not_found': { status: 404, title: 'No such location' },
  'location.already_exists': { status: 409, title: 'The location already exists' },
  'concurrency.conflict': { status: 409, title: 'The resource changed concurrently; retry' },
  'privacy.subject_erased': { status: 410, title: 'The data subject has been erased' },
  'privacy.request_not_found': { status: 404, title: 'No such privacy request' },
  'privacy.acknowledgement_not_found': { status: 404, title: 'You have not acknowledged the current privacy policy' },
  'privacy.policy_not_found': { status: 404, title: 'No privacy policy has been published' },
  'privacy.policy_version_mismatch': { status: 409, title: 'That is not the current privacy policy version' },
  'privacy.policy_not_acknowledged': { status: 422, title: 'Acknowledge the current privacy policy first' },
  'privacy.legal_hold_not_found': { status: 404, title: 'No such legal hold' },
  'analytics.too_many_buckets': { status: 422, title: 'The answer would hold too many buckets: narrow the range, name a location or floor, or choose a coarser granularity' },
  'analytics.rebuild_not_found': { status: 404, title: 'No such rebuild of the statistics' },
  'privacy.controller_not_set': { status: 404, title: "The tenant's admin has not set the controller's contact yet" },
  'privacy.restriction_not_found': { status: 404, title: 'No such restriction of processing' },
  'privacy.processing_restricted': { status: 422, title: "The person's data may not be processed for bookings (GDPR Art. 18/21)" },
  'service.unavailable': { status: 503, title: 'A service is temporarily unavailable; retry' },
  'internal.error': { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof problemCatalog;
export const ErrorCode = z.enum(Object.keys(problemCatalog) as [ErrorCode, ...ErrorCode[]]);

/** An error as a value, as it crosses NATS. `details` never holds personal data. */
export const DomainError = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type DomainError = z.infer<typeof DomainError>;

export const domainError = (code: ErrorCode, message: string, details?: Record<string, unknown>): DomainError => (details ? { code, message, details } : { code, message });

/** Thrown at the edges (handlers, adapters) to answer with a DomainError instead of a crash. */
export class DomainFailure extends Error {
  constructor(readonly error: DomainError) {
    super(`${error.code}: ${error.message}`);
    this.name = 'DomainFailure';
  }
}
