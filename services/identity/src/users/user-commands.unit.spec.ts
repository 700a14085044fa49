import { deciderSpec } from '@plass/testing';
import type { DomainEvent } from '@plass/contracts';
import { evolveUser, initialUser, type User } from './user.js';
import { decideUser, type UserCommand } from './user-commands.js';

const spec = deciderSpec<UserCommand, DomainEvent, User, { code: string }>({
  initialState: initialUser,
  evolve: evolveUser,
  decide: decideUser,
});

const userId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const adminId = '1f2e3d4c-5b6a-4978-8a7b-6c5d4e3f2a1b';
const admin = { id: adminId, roles: ['admin' as const] };
const employee = { id: adminId, roles: ['employee' as const] };
const self = { id: userId, roles: ['employee' as const] };
const profile = { userId, email: 'ola@example.com', displayName: 'Ola Nordmann', role: 'employee' as const, locale: 'nb' as const };
const registered: DomainEvent = { type: 'UserRegistered', data: profile };
const deactivated: DomainEvent = { type: 'UserDeactivated', data: { userId } };

describe('RegisterUser', () => {
  it('registers a user, with a password hash when one is given', () => {
    spec.given([]).when({ type: 'RegisterUser', data: profile, actor: admin }).then([registered]);
    spec
      .given([])
      .when({ type: 'RegisterUser', data: { ...profile, passwordHash: 'scrypt$x' }, actor: admin })
      .then([{ type: 'UserRegistered', data: { ...profile, passwordHash: 'scrypt$x' } }]);
  });

  it('is for admins only', () => {
    spec.given([]).when({ type: 'RegisterUser', data: profile, actor: employee }).thenFails({ code: 'auth.forbidden' });
    spec
      .given([])
      .when({ type: 'RegisterUser', data: profile, actor: { roles: ['operator'] } })
      .thenFails({ code: 'auth.forbidden' });
  });

  it('never registers the same user id twice', () => {
    spec.given([registered]).when({ type: 'RegisterUser', data: profile, actor: admin }).thenFails({ code: 'concurrency.conflict' });
  });
});

describe('CorrectUser', () => {
  it('changes the role', () => {
    spec
      .given([registered])
      .when({ type: 'CorrectUser', data: { userId, role: 'analyst' }, actor: admin })
      .then([{ type: 'UserRoleChanged', data: { userId, role: 'analyst' } }]);
  });

  it('corrects e-mail and name in one profile change holding only the given fields', () => {
    spec
      .given([registered])
      .when({ type: 'CorrectUser', data: { userId, email: 'ola.n@example.com' }, actor: admin })
      .then([{ type: 'UserProfileChanged', data: { userId, email: 'ola.n@example.com' } }]);
    spec
      .given([registered])
      .when({ type: 'CorrectUser', data: { userId, role: 'admin', email: 'ola.n@example.com', displayName: 'Ola N.' }, actor: admin })
      .then([
        { type: 'UserRoleChanged', data: { userId, role: 'admin' } },
        { type: 'UserProfileChanged', data: { userId, email: 'ola.n@example.com', displayName: 'Ola N.' } },
      ]);
  });

  it('records nothing when the role is already the asked one and nothing else is given', () => {
    spec
      .given([registered])
      .when({ type: 'CorrectUser', data: { userId, role: 'employee' }, actor: admin })
      .then([]);
    spec.given([registered]).when({ type: 'CorrectUser', data: { userId }, actor: admin }).then([]);
  });

  it('is for admins only', () => {
    spec
      .given([registered])
      .when({ type: 'CorrectUser', data: { userId, role: 'admin' }, actor: self })
      .thenFails({ code: 'auth.forbidden' });
    spec
      .given([registered])
      .when({ type: 'CorrectUser', data: { userId, email: 'me@example.com' }, actor: self })
      .thenFails({ code: 'auth.forbidden' });
  });

  it('refuses unknown and deactivated users', () => {
    spec
      .given([])
      .when({ type: 'CorrectUser', data: { userId, role: 'admin' }, actor: admin })
      .thenFails({ code: 'user.not_found' });
    spec
      .given([registered, deactivated])
      .when({ type: 'CorrectUser', data: { userId, displayName: 'Ola N.' }, actor: admin })
      .thenFails({ code: 'user.deactivated' });
  });
});

describe('DeactivateUser', () => {
  it('deactivates once; deactivating again records nothing', () => {
    spec.given([registered]).when({ type: 'DeactivateUser', data: { userId }, actor: admin }).then([deactivated]);
    spec.given([registered, deactivated]).when({ type: 'DeactivateUser', data: { userId }, actor: admin }).then([]);
  });

  it('is for admins only and needs an existing user', () => {
    spec.given([registered]).when({ type: 'DeactivateUser', data: { userId }, actor: employee }).thenFails({ code: 'auth.forbidden' });
    spec.given([]).when({ type: 'DeactivateUser', data: { userId }, actor: admin }).thenFails({ code: 'user.not_found' });
  });
});

describe('DeactivateSubject', () => {
  it('deactivates an active user without asking for a role, and is a no-op otherwise', () => {
    spec.given([registered]).when({ type: 'DeactivateSubject', data: { userId } }).then([deactivated]);
    spec.given([registered, deactivated]).when({ type: 'DeactivateSubject', data: { userId } }).then([]);
    spec.given([]).when({ type: 'DeactivateSubject', data: { userId } }).then([]);
  });
});

describe('SetPassword', () => {
  const set = { type: 'SetPassword' as const, data: { userId, passwordHash: 'scrypt$new' } };
  const changed: DomainEvent = { type: 'UserPasswordChanged', data: set.data };

  it('records the first password of a user registered without one', () => {
    spec.given([registered]).when(set).then([changed]);
  });

  it('refuses a user who has a password, by registration or set before', () => {
    spec
      .given([{ type: 'UserRegistered', data: { ...profile, passwordHash: 'scrypt$x' } }])
      .when(set)
      .thenFails({ code: 'user.password_already_set' });
    spec.given([registered, changed]).when(set).thenFails({ code: 'user.password_already_set' });
  });

  it('refuses unknown and deactivated users', () => {
    spec.given([]).when(set).thenFails({ code: 'user.not_found' });
    spec.given([registered, deactivated]).when(set).thenFails({ code: 'user.deactivated' });
  });
});

describe('UpdateProfile', () => {
  it('lets users correct their own e-mail', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProfile', data: { userId, email: 'ola.n@example.com' }, actor: self })
      .then([{ type: 'UserProfileChanged', data: { userId, email: 'ola.n@example.com' } }]);
  });

  it('records only the fields that change; a given name always counts', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProfile', data: { userId, displayName: 'Ola N.', locale: 'nb', bookingVisibility: 'hidden' }, actor: self })
      .then([{ type: 'UserProfileChanged', data: { userId, displayName: 'Ola N.', bookingVisibility: 'hidden' } }]);
  });

  it('records nothing when nothing changes', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProfile', data: { userId, locale: 'nb' }, actor: self })
      .then([]);
    spec
      .given([registered, { type: 'UserProfileChanged', data: { userId, locale: 'de', bookingVisibility: 'hidden' } }])
      .when({ type: 'UpdateProfile', data: { userId, locale: 'de', bookingVisibility: 'hidden' }, actor: self })
      .then([]);
  });

  it('is for the user themselves, even an admin may not change another profile', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateProfile', data: { userId, locale: 'de' }, actor: admin })
      .thenFails({ code: 'auth.forbidden' });
  });

  it('refuses a deactivated user', () => {
    spec
      .given([registered, deactivated])
      .when({ type: 'UpdateProfile', data: { userId, locale: 'de' }, actor: self })
      .thenFails({ code: 'user.deactivated' });
  });
});
