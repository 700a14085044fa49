import { accept, domainError, reject, type Decision, type DomainEvent } from '@plass/contracts';
import { isAdmin, validationFailed, type Actor } from './booking-decision.js';
import type { Location } from './location.js';

export interface CreateLocation {
  data: { locationId: string; name: string; timezone: string; bookableWeekdays: readonly number[]; capacity?: number };
  actor: Pick<Actor, 'roles'>;
}
export interface UpdateLocation {
  /** Only what changes; `capacity: null` lifts the cap. */
  data: { locationId: string; name?: string; timezone?: string; bookableWeekdays?: readonly number[]; capacity?: number | null };
  actor: Pick<Actor, 'roles'>;
}
export interface DisableLocation {
  data: { locationId: string };
  actor: Pick<Actor, 'roles'>;
}

const forbidden = () => reject(domainError('auth.forbidden', 'only admins manage locations'));
const weekdays = (days: readonly number[]): number[] => [...new Set(days)].sort((a, b) => a - b);
const validZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const invalidWeekday = (days: readonly number[]) => days.some((day) => !Number.isInteger(day) || day < 1 || day > 7);

export function decideCreateLocation(command: CreateLocation, state: Location): Decision {
  if (!isAdmin(command.actor)) return forbidden();
  // No `location.already_exists` code yet: 409-style answers are asked of contracts.
  if (state.status !== 'none') return reject(validationFailed('locationId', 'already exists'));
  const { capacity, ...data } = command.data;
  if (!validZone(data.timezone)) return reject(validationFailed('timezone', 'must be an IANA time zone'));
  if (invalidWeekday(data.bookableWeekdays)) return reject(validationFailed('bookableWeekdays', 'must be ISO weekdays 1–7'));
  return accept({
    type: 'LocationCreated',
    data: { ...data, bookableWeekdays: weekdays(data.bookableWeekdays), ...(capacity === undefined ? {} : { capacity }) },
  });
}

/** Emits only the fields that differ from the location as it is; no change, no event. */
export function decideUpdateLocation(command: UpdateLocation, state: Location): Decision {
  if (!isAdmin(command.actor)) return forbidden();
  if (state.status === 'none' || state.id !== command.data.locationId) return reject(domainError('location.not_found', 'no such location'));
  const { locationId, name, timezone, bookableWeekdays, capacity } = command.data;
  if (timezone !== undefined && !validZone(timezone)) return reject(validationFailed('timezone', 'must be an IANA time zone'));
  if (bookableWeekdays !== undefined && invalidWeekday(bookableWeekdays)) {
    return reject(validationFailed('bookableWeekdays', 'must be ISO weekdays 1–7'));
  }
  const changes: Extract<DomainEvent, { type: 'LocationUpdated' }>['data'] = { locationId };
  if (name !== undefined && name !== state.name) changes.name = name;
  if (timezone !== undefined && timezone !== state.timezone) changes.timezone = timezone;
  if (bookableWeekdays !== undefined && weekdays(bookableWeekdays).join() !== weekdays(state.bookableWeekdays).join()) {
    changes.bookableWeekdays = weekdays(bookableWeekdays);
  }
  if (capacity !== undefined && capacity !== (state.capacity ?? null)) changes.capacity = capacity;
  return Object.keys(changes).length > 1 ? accept({ type: 'LocationUpdated', data: changes }) : accept();
}

/** Disabling twice is a no-op. Existing bookings stay; the location just takes no new ones. */
export function decideDisableLocation(command: DisableLocation, state: Location): Decision {
  if (!isAdmin(command.actor)) return forbidden();
  if (state.status === 'none' || state.id !== command.data.locationId) return reject(domainError('location.not_found', 'no such location'));
  return state.status === 'disabled' ? accept() : accept({ type: 'LocationDisabled', data: { locationId: state.id } });
}
