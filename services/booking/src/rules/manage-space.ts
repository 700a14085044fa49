import { accept, domainError, reject, type Decision, type DomainEvent, type SpaceKind } from '@plass/contracts';
import { isAdmin, type Actor } from './booking-decision.js';
import type { Location } from './location.js';
import type { Space } from './space.js';

export interface UpdateSpace {
  /** Only what changes; `null` clears floor or zone. */
  data: { spaceId: string; name?: string; floor?: string | null; zone?: string | null };
  actor: Pick<Actor, 'roles'>;
}
export interface DisableSpace {
  data: { spaceId: string };
  actor: Pick<Actor, 'roles'>;
}

const forbidden = () => reject(domainError('auth.forbidden', 'only admins manage spaces'));

/** Emits only the fields that differ from the space as it is; no change, no event. */
export function decideUpdateSpace(command: UpdateSpace, state: Space): Decision {
  if (!isAdmin(command.actor)) return forbidden();
  if (state.status === 'none' || state.id !== command.data.spaceId) return reject(domainError('space.not_found', 'no such space'));
  const { spaceId, name, floor, zone } = command.data;
  const changes: Extract<DomainEvent, { type: 'SpaceUpdated' }>['data'] = { spaceId };
  if (name !== undefined && name !== state.name) changes.name = name;
  if (floor !== undefined && floor !== (state.floor ?? null)) changes.floor = floor;
  if (zone !== undefined && zone !== (state.zone ?? null)) changes.zone = zone;
  return Object.keys(changes).length > 1 ? accept({ type: 'SpaceUpdated', data: changes }) : accept();
}

/** Disabling twice is a no-op. Existing bookings stay; the space just takes no new ones. */
export function decideDisableSpace(command: DisableSpace, state: Space): Decision {
  if (!isAdmin(command.actor)) return forbidden();
  if (state.status === 'none' || state.id !== command.data.spaceId) return reject(domainError('space.not_found', 'no such space'));
  return state.status === 'disabled' ? accept() : accept({ type: 'SpaceDisabled', data: { spaceId: state.id } });
}

export interface CreateSpace {
  data: { spaceId: string; locationId: string; name: string; kind: SpaceKind; floor?: string; zone?: string };
  actor: Pick<Actor, 'roles'>;
}

/** A space is created in an active location of the tenant. */
export function decideCreateSpace(command: CreateSpace, state: { space: Space; location: Location }): Decision {
  if (!isAdmin(command.actor)) return forbidden();
  const { location } = state;
  if (location.status === 'none' || location.id !== command.data.locationId) return reject(domainError('location.not_found', 'no such location'));
  if (location.status === 'disabled') return reject(domainError('booking.space_disabled', 'the location is disabled'));
  if (state.space.status !== 'none') return reject(domainError('space.already_exists', 'the space already exists'));
  return accept({ type: 'SpaceCreated', data: command.data });
}
