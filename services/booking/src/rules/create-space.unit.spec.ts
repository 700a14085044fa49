import { deciderSpec } from '@plass/testing';
import type { DomainEvent } from '@plass/contracts';
import { evolveLocation, initialLocation, type Location } from './location.js';
import { decideCreateSpace, type CreateSpace } from './manage-space.js';
import { evolveSpace, initialSpace } from './space.js';
import { admin, deskCreated, employee, ids, osloOffice } from './test-fixtures.js';

/** Given: the location's events; the space stream is new unless `existing` says otherwise. */
const spec = (existing = false) =>
  deciderSpec<CreateSpace, DomainEvent, Location, { code: string }>({
    initialState: initialLocation,
    evolve: evolveLocation,
    decide: (command, location) => decideCreateSpace(command, { location, space: existing ? evolveSpace(initialSpace, deskCreated()) : initialSpace }),
  });
const data = { spaceId: ids.space, locationId: ids.location, name: 'Desk 4.12', kind: 'desk' as const };

describe('creating a space', () => {
  it('creates it in an active location', () => {
    spec()
      .given([osloOffice()])
      .when({ actor: admin, data })
      .then([{ type: 'SpaceCreated', data }]);
  });

  it('refuses an unknown or disabled location, an existing space and anyone but an admin', () => {
    spec().given([]).when({ actor: admin, data }).thenFails({ code: 'location.not_found' });
    spec()
      .given([osloOffice(), { type: 'LocationDisabled', data: { locationId: ids.location } }])
      .when({ actor: admin, data })
      .thenFails({ code: 'booking.space_disabled' });
    spec(true).given([osloOffice()]).when({ actor: admin, data }).thenFails({ code: 'space.already_exists' });
    spec().given([osloOffice()]).when({ actor: employee, data }).thenFails({ code: 'auth.forbidden' });
  });
});
