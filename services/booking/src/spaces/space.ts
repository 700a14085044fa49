import type { DomainEvent, SpaceView } from '@plass/contracts';

export type Space = { status: 'none' } | ({ status: 'active' } & SpaceView);

export const initialSpace: Space = { status: 'none' };

export function evolveSpace(state: Space, event: DomainEvent): Space {
  switch (event.type) {
    case 'SpaceCreated': {
      const { spaceId, ...rest } = event.data;
      return { status: 'active', id: spaceId, ...rest };
    }
    default:
      return state;
  }
}

export const spaceStream = (tenantId: string, spaceId: string) => `space-${tenantId}-${spaceId}`;

export const spaceView = ({ status: _status, ...view }: Extract<Space, { status: 'active' }>): SpaceView => view;
