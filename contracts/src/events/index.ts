import type { z } from 'zod';
import type { EventEnvelope } from '../envelope.js';
import { sealed, type Sealed } from '../pii.js';
import {
  BookingCancelled,
  BookingCheckedIn,
  BookingConfirmed,
  BookingReleasedAsNoShow,
  // Editing a booking
  BookingRescheduled,
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
  // Editing a booking
  BookingRescheduled,
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

/** An event's data as stored and published: its personal fields sealed (EncryptedValue). */
export type SealedEventData<T extends EventType> = z.output<Sealed<(typeof eventCatalog)[T]['data']>>;
/** An envelope whose data was checked against its event's schema as stored (`typedEnvelope`). */
export type TypedEnvelope<T extends EventType = EventType> = { [K in T]: Omit<EventEnvelope, 'type' | 'data'> & { type: K; data: SealedEventData<K> } }[T];

const sealedSchemas = new Map<EventType, z.ZodObject>();
const sealedSchemaOf = (type: EventType): z.ZodObject => {
  let schema = sealedSchemas.get(type);
  if (!schema) sealedSchemas.set(type, (schema = sealed(eventCatalog[type].data)));
  return schema;
};

/**
 * The envelope with its data checked against its event's schema as stored (what arrives from NATS
 * or a store is only known to be an envelope); undefined for a type plass does not record.
 * Throws EventDataInvalid, naming the fields but never their values.
 */
export function typedEnvelope(envelope: EventEnvelope): TypedEnvelope | undefined {
  if (!isEventType(envelope.type)) return undefined;
  const parsed = sealedSchemaOf(envelope.type).safeParse(envelope.data);
  if (!parsed.success) throw new EventDataInvalid(envelope, parsed.error);
  // The data was parsed with the schema of `envelope.type`: TypeScript cannot tie the two together.
  return { ...envelope, data: parsed.data } as TypedEnvelope;
}

export class EventDataInvalid extends Error {
  readonly code = 'event.data_invalid';
  /** The fields that do not match, as paths (`bookedBy.iv`). */
  readonly fields: string[];
  constructor(envelope: Pick<EventEnvelope, 'id' | 'type'>, error: z.ZodError) {
    const fields = [...new Set(error.issues.map((issue) => issue.path.join('.') || '(data)'))];
    super(`event ${envelope.id} (${envelope.type}) does not match its schema: ${fields.join(', ')}`);
    this.name = 'EventDataInvalid';
    this.fields = fields;
  }
}
