import type { DomainEvent, SpaceKind } from '@plass/contracts';

export type Space =
  | { status: 'none' }
  | {
      status: 'active' | 'disabled';
      id: string;
      name: string;
      kind: SpaceKind;
      /** v1 spaces have no location: no time zone, weekday or capacity rules apply to them. */
      locationId?: string;
      floor?: string;
      zone?: string;
    };

export const initialSpace: Space = { status: 'none' };

export function evolveSpace(state: Space, event: DomainEvent): Space {
  switch (event.type) {
    case 'SpaceCreated': {
      const { spaceId, ...rest } = event.data;
      return { status: 'active', id: spaceId, ...rest };
    }
    case 'SpaceUpdated': {
      if (state.status === 'none' || state.id !== event.data.spaceId) return state;
      const { name, floor, zone } = event.data;
      const next = { ...state };
      if (name !== undefined) next.name = name;
      if (floor === null) delete next.floor;
      else if (floor !== undefined) next.floor = floor;
      if (zone === null) delete next.zone;
      else if (zone !== undefined) next.zone = zone;
      return next;
    }
    case 'SpaceDisabled':
      return state.status === 'none' || state.id !== event.data.spaceId ? state : { ...state, status: 'disabled' };
    default:
      return state;
  }
}
