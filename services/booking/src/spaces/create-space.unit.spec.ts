import { deciderSpec } from '@plass/testing';
import type { Decision, DomainEvent } from '@plass/contracts';
import { decideCreateSpace, type CreateSpace } from './create-space.js';
import { evolveSpace, initialSpace, type Space } from './space.js';

const spaceDecider = {
  initialState: initialSpace,
  evolve: evolveSpace,
  decide: (command: CreateSpace, state: Space): Decision => decideCreateSpace(command, state),
};
const spec = deciderSpec<CreateSpace, DomainEvent, Space, { code: string }>(spaceDecider);

const spaceId = '6f1c7d2e-8a4b-4c3d-9e5f-0a1b2c3d4e5f';
const desk = { spaceId, name: 'Desk 4.12', kind: 'desk' as const, floor: '4' };
const admin = { roles: ['admin' as const] };

describe('CreateSpace', () => {
  it('creates a space that does not exist yet', () => {
    spec.given([]).when({ type: 'CreateSpace', data: desk, actor: admin }).then([{ type: 'SpaceCreated', data: desk }]);
  });

  it('refuses to create the same space twice', () => {
    spec
      .given([{ type: 'SpaceCreated', data: desk }])
      .when({ type: 'CreateSpace', data: desk, actor: admin })
      .thenFails({ code: 'space.already_exists' });
  });

  it('refuses anyone but an admin, whatever the gateway let through', () => {
    spec.given([]).when({ type: 'CreateSpace', data: desk, actor: { roles: ['employee', 'analyst'] } }).thenFails({ code: 'auth.forbidden' });
  });
});
