import type { DomainEvent } from '@plass/contracts';

export type Location =
  | { status: 'none' }
  | {
      status: 'active' | 'disabled';
      id: string;
      name: string;
      timezone: string;
      bookableWeekdays: readonly number[];
      capacity?: number;
    };

export const initialLocation: Location = { status: 'none' };

export function evolveLocation(state: Location, event: DomainEvent): Location {
  switch (event.type) {
    case 'LocationCreated': {
      const { locationId, capacity, ...rest } = event.data;
      return { status: 'active', id: locationId, ...rest, ...(capacity === undefined ? {} : { capacity }) };
    }
    case 'LocationUpdated': {
      if (state.status === 'none' || state.id !== event.data.locationId) return state;
      const { locationId: _id, capacity, ...changes } = event.data;
      const next = { ...state };
      if (changes.name !== undefined) next.name = changes.name;
      if (changes.timezone !== undefined) next.timezone = changes.timezone;
      if (changes.bookableWeekdays !== undefined) next.bookableWeekdays = changes.bookableWeekdays;
      if (capacity === null) delete next.capacity;
      else if (capacity !== undefined) next.capacity = capacity;
      return next;
    }
    case 'LocationDisabled':
      return state.status === 'none' || state.id !== event.data.locationId ? state : { ...state, status: 'disabled' };
    default:
      return state;
  }
}
