import type { z } from 'zod';
import {
  BookingCancelled,
  BookingCheckedIn,
  BookingConfirmed,
  BookingReleasedAsNoShow,
  LedgerBookingAdded,
  LedgerBookingRemoved,
  LedgerPeriodOpened,
  OccupancyAdded,
  OccupancyRemoved,
  SlotHeld,
  SlotFreed,
  BookingLayoutMigrated,
  SpaceCreated,
  SpaceDisabled,
  SpaceUpdated,
  // Recurring bookings
  BookingSeriesCreated,
} from './booking.js';
import { AnalyticsMinGroupSizeChanged, BookingPolicyChanged, BookingRetentionChanged, BookingVisibilityChanged } from './booking-policy.js';
import { LocationCreated, LocationDisabled, LocationUpdated } from './places.js';
import type { EventDefinition } from './define.js';
import {
  AuditRecorded,
  ControllerContactChanged,
  ErasureCompleted,
  ErasureReceiptRecorded,
  ErasureRefused,
  ErasureRequested,
  ErasureStepCompleted,
  ExportCompleted,
  ExportRequested,
  LegalHoldLifted,
  LegalHoldPlaced,
  PrivacyPolicyAcknowledged,
  PrivacyPolicyAcknowledgementWithdrawn,
  PrivacyPolicyPublished,
  ProcessingRestricted,
  ProcessingRestrictionLifted,
  SubProcessorsChanged,
} from './privacy.js';
import { TenantCreated, UserDeactivated, UserPasswordChanged, UserProfileChanged, UserRegistered, UserRoleChanged } from './identity.js';

export * from './define.js';
export * from './booking.js';
export * from './booking-policy.js';
export * from './places.js';
export * from './identity.js';
export * from './privacy.js';

/** Every event plass records, by type name. */
export const eventCatalog = {
  LocationCreated,
  LocationUpdated,
  LocationDisabled,
  SpaceCreated,
  SpaceUpdated,
  SpaceDisabled,
  BookingPolicyChanged,
  BookingVisibilityChanged,
  BookingRetentionChanged,
  AnalyticsMinGroupSizeChanged,
  BookingConfirmed,
  BookingCancelled,
  BookingCheckedIn,
  BookingReleasedAsNoShow,
  LedgerBookingAdded,
  LedgerBookingRemoved,
  LedgerPeriodOpened,
  OccupancyAdded,
  OccupancyRemoved,
  SlotHeld,
  SlotFreed,
  BookingLayoutMigrated,
  // Recurring bookings
  BookingSeriesCreated,
  TenantCreated,
  UserRegistered,
  UserRoleChanged,
  UserProfileChanged,
  UserPasswordChanged,
  UserDeactivated,
  PrivacyPolicyPublished,
  PrivacyPolicyAcknowledged,
  PrivacyPolicyAcknowledgementWithdrawn,
  LegalHoldPlaced,
  LegalHoldLifted,
  ProcessingRestricted,
  ProcessingRestrictionLifted,
  SubProcessorsChanged,
  ControllerContactChanged,
  ErasureRequested,
  ErasureRefused,
  ErasureStepCompleted,
  ErasureReceiptRecorded,
  ErasureCompleted,
  ExportRequested,
  ExportCompleted,
  AuditRecorded,
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['data']>;
/** A plaintext event as deciders see it: `{type, data}`. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

export const isEventType = (type: string): type is EventType => Object.hasOwn(eventCatalog, type);
