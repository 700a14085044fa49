import { deciderSpec } from '@plass/testing';
import type { Decision, DomainEvent } from '@plass/contracts';
import { evolveLocation, initialLocation, type Location } from './location.js';
import { decideCreateLocation, decideDisableLocation, decideUpdateLocation, type CreateLocation, type DisableLocation, type UpdateLocation } from './manage-location.js';
import { admin, employee, ids, osloOffice } from './test-fixtures.js';

type Command = ({ type: 'create' } & CreateLocation) | ({ type: 'update' } & UpdateLocation) | ({ type: 'disable' } & DisableLocation);
const spec = deciderSpec<Command, DomainEvent, Location, { code: string }>({
  initialState: initialLocation,
  evolve: evolveLocation,
  decide: (command: Command, state: Location): Decision =>
    command.type === 'create' ? decideCreateLocation(command, state) : command.type === 'update' ? decideUpdateLocation(command, state) : decideDisableLocation(command, state),
});
const locationId = ids.location;
const created = osloOffice();

describe('locations', () => {
  it('creates a location with its weekdays sorted and deduplicated', () => {
    spec
      .given([])
      .when({ type: 'create', actor: admin, data: { locationId, name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [5, 1, 1, 3] } })
      .then([{ type: 'LocationCreated', data: { locationId, name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 3, 5] } }]);
  });

  it('refuses an unknown zone, a weekday outside 1–7 and a location that exists', () => {
    const data = { locationId, name: 'X', timezone: 'Europe/Oslo', bookableWeekdays: [1] };
    spec
      .given([])
      .when({ type: 'create', actor: admin, data: { ...data, timezone: 'Mars/Olympus' } })
      .thenFails({ code: 'validation.failed' });
    spec
      .given([])
      .when({ type: 'create', actor: admin, data: { ...data, bookableWeekdays: [0] } })
      .thenFails({ code: 'validation.failed' });
    spec.given([created]).when({ type: 'create', actor: admin, data }).thenFails({ code: 'validation.failed' });
  });

  it('updates only what changes, and lifts the capacity with null', () => {
    spec
      .given([created])
      .when({ type: 'update', actor: admin, data: { locationId, name: 'Oslo HQ', timezone: 'Europe/Berlin', capacity: null, bookableWeekdays: [5, 4, 3, 2, 1] } })
      .then([{ type: 'LocationUpdated', data: { locationId, timezone: 'Europe/Berlin', capacity: null } }]);
    spec
      .given([created])
      .when({ type: 'update', actor: admin, data: { locationId, capacity: 2 } })
      .then([]);
  });

  it('refuses updating a location that does not exist', () => {
    spec
      .given([])
      .when({ type: 'update', actor: admin, data: { locationId, name: 'X' } })
      .thenFails({ code: 'location.not_found' });
  });

  it('disables once; disabling again changes nothing', () => {
    const disabled: DomainEvent = { type: 'LocationDisabled', data: { locationId } };
    spec.given([created]).when({ type: 'disable', actor: admin, data: { locationId } }).then([disabled]);
    spec.given([created, disabled]).when({ type: 'disable', actor: admin, data: { locationId } }).then([]);
    spec.given([]).when({ type: 'disable', actor: admin, data: { locationId } }).thenFails({ code: 'location.not_found' });
  });

  it('lets only admins manage locations', () => {
    spec
      .given([])
      .when({ type: 'create', actor: employee, data: { locationId, name: 'X', timezone: 'UTC', bookableWeekdays: [] } })
      .thenFails({ code: 'auth.forbidden' });
    spec
      .given([created])
      .when({ type: 'update', actor: employee, data: { locationId, name: 'X' } })
      .thenFails({ code: 'auth.forbidden' });
    spec.given([created]).when({ type: 'disable', actor: employee, data: { locationId } }).thenFails({ code: 'auth.forbidden' });
  });

  it('folds updates: a null capacity removes the cap, other locations’ events are ignored', () => {
    const state = [
      created,
      { type: 'LocationUpdated', data: { locationId, capacity: null, bookableWeekdays: [1] } },
      { type: 'LocationUpdated', data: { locationId: ids.space, name: 'elsewhere' } },
      { type: 'SpaceDisabled', data: { spaceId: ids.space } },
    ].reduce((location, event) => evolveLocation(location, event as DomainEvent), initialLocation);
    expect(state).toEqual({ status: 'active', id: locationId, name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1] });
  });
});
