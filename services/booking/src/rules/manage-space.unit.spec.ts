import { deciderSpec } from '@plass/testing';
import type { Decision, DomainEvent } from '@plass/contracts';
import { decideDisableSpace, decideUpdateSpace, type DisableSpace, type UpdateSpace } from './manage-space.js';
import { evolveSpace, initialSpace, type Space } from './space.js';
import { admin, deskCreated, employee, ids } from './test-fixtures.js';

type Command = ({ type: 'update' } & UpdateSpace) | ({ type: 'disable' } & DisableSpace);
const spec = deciderSpec<Command, DomainEvent, Space, { code: string }>({
  initialState: initialSpace,
  evolve: evolveSpace,
  decide: (command: Command, state: Space): Decision => (command.type === 'update' ? decideUpdateSpace(command, state) : decideDisableSpace(command, state)),
});
const spaceId = ids.space;
const withFloor: DomainEvent = { type: 'SpaceUpdated', data: { spaceId, floor: '4', zone: 'North' } };

describe('spaces', () => {
  it('updates only what changes, and clears a floor with null', () => {
    spec
      .given([deskCreated(), withFloor])
      .when({ type: 'update', actor: admin, data: { spaceId, name: 'Desk 4.12', floor: null, zone: 'South' } })
      .then([{ type: 'SpaceUpdated', data: { spaceId, floor: null, zone: 'South' } }]);
    spec
      .given([deskCreated(), withFloor])
      .when({ type: 'update', actor: admin, data: { spaceId, floor: '4' } })
      .then([]);
  });

  it('disables once; disabling again changes nothing', () => {
    const disabled: DomainEvent = { type: 'SpaceDisabled', data: { spaceId } };
    spec.given([deskCreated()]).when({ type: 'disable', actor: admin, data: { spaceId } }).then([disabled]);
    spec.given([deskCreated(), disabled]).when({ type: 'disable', actor: admin, data: { spaceId } }).then([]);
  });

  it('refuses unknown spaces and anyone but an admin', () => {
    spec
      .given([])
      .when({ type: 'update', actor: admin, data: { spaceId, name: 'X' } })
      .thenFails({ code: 'space.not_found' });
    spec.given([]).when({ type: 'disable', actor: admin, data: { spaceId } }).thenFails({ code: 'space.not_found' });
    spec
      .given([deskCreated()])
      .when({ type: 'update', actor: employee, data: { spaceId, name: 'X' } })
      .thenFails({ code: 'auth.forbidden' });
    spec.given([deskCreated()]).when({ type: 'disable', actor: employee, data: { spaceId } }).thenFails({ code: 'auth.forbidden' });
  });

  it('folds to the space as it now is', () => {
    const state = [deskCreated(), withFloor, { type: 'SpaceUpdated', data: { spaceId, zone: null } } as DomainEvent].reduce(evolveSpace, initialSpace);
    expect(state).toEqual({ status: 'active', id: spaceId, name: 'Desk 4.12', kind: 'desk', locationId: ids.location, floor: '4' });
  });
});
