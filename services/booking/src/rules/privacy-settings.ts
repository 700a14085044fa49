import {
  DEFAULT_ANALYTICS_MIN_GROUP_SIZE,
  DEFAULT_BOOKING_VISIBILITY,
  accept,
  domainError,
  reject,
  type BookingVisibility,
  type Decision,
  type DomainEvent,
} from '@plass/contracts';
import { isAdmin, type Actor } from './booking-decision.js';

/**
 * The tenant's privacy settings, kept in its policy stream: who sees who booked, and retention
 * (`null`: bookings keep their booker until erasure).
 */
export interface PrivacySettings {
  bookingVisibility: BookingVisibility;
  anonymizeBookingsAfterDays: number | null;
  /** Cells of the utilization statistics built from fewer distinct bookings are suppressed. */
  analyticsMinGroupSize: number;
}

export const initialPrivacySettings: PrivacySettings = {
  bookingVisibility: DEFAULT_BOOKING_VISIBILITY,
  anonymizeBookingsAfterDays: null,
  analyticsMinGroupSize: DEFAULT_ANALYTICS_MIN_GROUP_SIZE,
};

export function evolvePrivacySettings(state: PrivacySettings, event: DomainEvent): PrivacySettings {
  switch (event.type) {
    case 'BookingVisibilityChanged':
      return { ...state, bookingVisibility: event.data.bookingVisibility };
    case 'BookingRetentionChanged':
      return { ...state, anonymizeBookingsAfterDays: event.data.anonymizeBookingsAfterDays };
    case 'AnalyticsMinGroupSizeChanged':
      return { ...state, analyticsMinGroupSize: event.data.analyticsMinGroupSize };
    default:
      return state;
  }
}

export interface ChangePrivacySettings {
  /** Any subset; absent settings stay as they are. */
  changes: Partial<PrivacySettings>;
  actor: Pick<Actor, 'roles'>;
}

/** One event per setting that differs, so repeating a change records nothing. */
export function decideChangePrivacySettings(command: ChangePrivacySettings, state: PrivacySettings): Decision {
  if (!isAdmin(command.actor)) return reject(domainError('auth.forbidden', 'only admins change the privacy settings'));
  const { bookingVisibility, anonymizeBookingsAfterDays, analyticsMinGroupSize } = command.changes;
  const events: DomainEvent[] = [];
  if (bookingVisibility !== undefined && bookingVisibility !== state.bookingVisibility) {
    events.push({ type: 'BookingVisibilityChanged', data: { bookingVisibility } });
  }
  if (anonymizeBookingsAfterDays !== undefined && anonymizeBookingsAfterDays !== state.anonymizeBookingsAfterDays) {
    events.push({ type: 'BookingRetentionChanged', data: { anonymizeBookingsAfterDays } });
  }
  if (analyticsMinGroupSize !== undefined && analyticsMinGroupSize !== state.analyticsMinGroupSize) {
    events.push({ type: 'AnalyticsMinGroupSizeChanged', data: { analyticsMinGroupSize } });
  }
  return accept(...events);
}
