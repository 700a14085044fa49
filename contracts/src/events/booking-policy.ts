import { z } from 'zod';
import { defineEvent } from './define.js';

/**
 * Bounds on every booking that neither a tenant's policy nor an admin's exemption lifts: they bound
 * the work one request can cause (a booking touches one occupancy stream per local day it spans).
 */
export const BOOKING_HARD_LIMITS = {
  maxDurationMinutes: 60 * 24 * 31,
  maxDaysInAdvance: 3650,
} as const;

/** A tenant's booking rules. Every field is optional in a change: only what changed is present. */
export const BookingPolicyFields = z.object({
  maxDaysInAdvance: z.number().int().min(0).max(BOOKING_HARD_LIMITS.maxDaysInAdvance),
  maxDurationMinutes: z.number().int().min(1).max(BOOKING_HARD_LIMITS.maxDurationMinutes),
  minDurationMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24),
  maxUpcomingBookingsPerUser: z.number().int().min(1).max(10_000),
  maxConcurrentBookingsPerUser: z.number().int().min(1).max(100),
  cancellationCutoffMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  /** 0 turns automatic release of no-shows off. */
  checkInGraceMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24),
  adminsExempt: z.boolean(),
});
export type BookingPolicy = z.infer<typeof BookingPolicyFields>;

/** What a tenant gets before it changes anything. */
export const DEFAULT_BOOKING_POLICY: BookingPolicy = {
  maxDaysInAdvance: 30,
  maxDurationMinutes: 600,
  minDurationMinutes: 15,
  maxUpcomingBookingsPerUser: 20,
  maxConcurrentBookingsPerUser: 1,
  cancellationCutoffMinutes: 0,
  checkInGraceMinutes: 15,
  adminsExempt: true,
};

export const BookingPolicyChanged = defineEvent('booking', 'BookingPolicyChanged', BookingPolicyFields.partial());

/** Who may see who booked a space (as Flexopus offers): always, never, or each user decides. */
export const BookingVisibility = z.enum(['everyone', 'nobody', 'user-choice-visible', 'user-choice-hidden']);
export type BookingVisibility = z.infer<typeof BookingVisibility>;
export const DEFAULT_BOOKING_VISIBILITY: BookingVisibility = 'user-choice-visible';

export const BookingVisibilityChanged = defineEvent('booking', 'BookingVisibilityChanged', z.object({ bookingVisibility: BookingVisibility }));

/**
 * Retention (as Flexopus offers): bookings lose every link to their booker this many days after
 * the day they end, by destroying that day's booking keys. `null`: kept until erasure.
 */
export const AnonymizeBookingsAfterDays = z.number().int().min(1).max(3650).nullable();
/**
 * k-anonymity of the utilization statistics: a cell built from fewer distinct bookings is
 * suppressed (ADR 0015). Below 2 nothing would be protected; 5 is a common floor.
 */
export const AnalyticsMinGroupSize = z.number().int().min(2).max(100);
export const DEFAULT_ANALYTICS_MIN_GROUP_SIZE = 5;
export const AnalyticsMinGroupSizeChanged = defineEvent('booking', 'AnalyticsMinGroupSizeChanged', z.object({ analyticsMinGroupSize: AnalyticsMinGroupSize }));

export const BookingRetentionChanged = defineEvent('booking', 'BookingRetentionChanged', z.object({ anonymizeBookingsAfterDays: AnonymizeBookingsAfterDays }));
