import { domainError, type CallerRole, type Decision, type DomainError, type DomainEvent } from '@plass/contracts';
import { localDays } from './local-time.js';
import type { Location } from './location.js';
import type { Policy } from './policy.js';
import type { Space } from './space.js';

export interface Actor {
  userId: string;
  roles: readonly CallerRole[];
}

/**
 * What one booking decision appends, atomically, per stream: the space's schedule, the booker's
 * limits ledger, and the location's occupancy — the same events to the stream of every local day
 * listed (`days` is empty when no occupancy is kept).
 */
export interface BookingWrites {
  schedule: DomainEvent[];
  ledger: DomainEvent[];
  occupancy: { days: string[]; events: DomainEvent[] };
}

/** A booking decision: what it appends per stream (`BookingWrites`), or the rule it broke. */
export type BookingDecision = Decision<BookingWrites>;

export const nothing = (): BookingDecision => ({ ok: true, events: { schedule: [], ledger: [], occupancy: { days: [], events: [] } } });
export const refuse = (error: DomainError): BookingDecision => ({ ok: false, error });

export const isAdmin = (actor: Pick<Actor, 'roles'>): boolean => actor.roles.includes('admin');
/** Admins may be exempt from the tenant's policy limits; never from overlap, capacity, weekdays or disabled spaces. */
export const exemptFromPolicy = (actor: Actor, policy: Policy): boolean => policy.adminsExempt && isAdmin(actor);

/** The location a space belongs to, when it has one and it is loaded. */
export function locationOf(space: Space, location: Location): Extract<Location, { status: 'active' | 'disabled' }> | undefined {
  if (space.status === 'none' || space.locationId === undefined) return undefined;
  return location.status !== 'none' && location.id === space.locationId ? location : undefined;
}

/**
 * The occupancy streams (local days of the location) a booking of [start, end) reads and writes.
 * Occupancy is only kept while the location has a capacity, so uncapped locations add no
 * contention between bookings of different spaces.
 */
export function occupancyDays(space: Space, location: Location, start: string, end: string): string[] {
  const place = locationOf(space, location);
  return place?.capacity === undefined ? [] : localDays(start, end, place.timezone);
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export const validationFailed = (path: string, message: string): DomainError => domainError('validation.failed', `${path} ${message}`, { errors: [{ path, message }] });
