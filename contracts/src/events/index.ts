import type { z } from 'zod';
import { BookingConfirmed, SpaceCreated } from './booking.js';
import type { EventDefinition } from './define.js';
import { TenantCreated, UserDeactivated, UserPasswordChanged, UserProfileChanged, UserRegistered, UserRoleChanged } from './identity.js';

export * from './define.js';
export * from './booking.js';
export * from './identity.js';

/** Every event plass records, by type name. */
export const eventCatalog = {
  SpaceCreated,
  BookingConfirmed,
  TenantCreated,
  UserRegistered,
  UserRoleChanged,
  UserProfileChanged,
  UserPasswordChanged,
  UserDeactivated,
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['data']>;
/** A plaintext event as deciders see it: `{type, data}`. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

export const isEventType = (type: string): type is EventType => Object.hasOwn(eventCatalog, type);
