import { accept, domainError, reject as refuse, type Decision, type DomainError, type Locale, type Role } from '@plass/contracts';
import { forbidden, mayAct, type Actor } from '../actor.js';
import type { User } from './user.js';

export type UserCommand =
  | {
      type: 'RegisterUser';
      data: { userId: string; email: string; displayName: string; role: Role; locale: Locale; passwordHash?: string };
      actor: Actor;
    }
  | { type: 'CorrectUser'; data: { userId: string; role?: Role; email?: string; displayName?: string }; actor: Actor }
  | { type: 'DeactivateUser'; data: { userId: string }; actor: Actor }
  /** Erasure: asked by the privacy service, service to service (NATS permissions guard `*.privacy.*`). */
  | { type: 'DeactivateSubject'; data: { userId: string } }
  /** The first password, by a set-password token: the token, not an actor, vouches for the user. */
  | { type: 'SetPassword'; data: { userId: string; passwordHash: string } }
  | {
      type: 'UpdateProfile';
      data: { userId: string; email?: string; displayName?: string; locale?: Locale; bookingVisibility?: 'visible' | 'hidden' };
      actor: Actor;
    };

/** Registering, listing and changing users is for the tenant's admins. */
export const mayManageUsers = (actor: Actor): boolean => mayAct(actor, 'admin');

const notFound = () => refuse(domainError('user.not_found', 'no such user'));
const deactivated = () => refuse(domainError('user.deactivated', 'the user is deactivated'));
const passwordAlreadySet = () => domainError('user.password_already_set', 'the user already has a password');

/** A set-password token is only for an active user who has no password yet; undefined when one may be issued. */
export function passwordTokenRefusal(state: User): DomainError | undefined {
  if (state.status === 'none') return domainError('user.not_found', 'no such user');
  if (state.status === 'deactivated') return domainError('user.deactivated', 'the user is deactivated');
  if (state.hasPassword) return passwordAlreadySet();
  return undefined;
}

/** Stored e-mail and name are sealed, so a given value always counts as a change; clear fields are compared. */
const sealedChanges = (fields: { email: string | undefined; displayName: string | undefined }) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { email?: string; displayName?: string };

export function decideUser(command: UserCommand, state: User): Decision {
  switch (command.type) {
    case 'RegisterUser': {
      if (!mayManageUsers(command.actor)) return refuse(forbidden('admins'));
      if (state.status !== 'none') return refuse(domainError('concurrency.conflict', 'the user already exists'));
      const { passwordHash, ...data } = command.data;
      return accept({ type: 'UserRegistered', data: passwordHash === undefined ? data : { ...data, passwordHash } });
    }
    case 'CorrectUser': {
      if (!mayManageUsers(command.actor)) return refuse(forbidden('admins'));
      if (state.status === 'none') return notFound();
      if (state.status === 'deactivated') return deactivated();
      const { userId, role, email, displayName } = command.data;
      const personal = sealedChanges({ email, displayName });
      return accept(
        ...(role === undefined || role === state.role ? [] : [{ type: 'UserRoleChanged' as const, data: { userId, role } }]),
        ...(Object.keys(personal).length === 0 ? [] : [{ type: 'UserProfileChanged' as const, data: { userId, ...personal } }]),
      );
    }
    case 'DeactivateUser': {
      if (!mayManageUsers(command.actor)) return refuse(forbidden('admins'));
      if (state.status === 'none') return notFound();
      if (state.status === 'deactivated') return accept();
      return accept({ type: 'UserDeactivated', data: command.data });
    }
    case 'DeactivateSubject':
      return state.status === 'active' ? accept({ type: 'UserDeactivated', data: command.data }) : accept();
    case 'SetPassword': {
      const refusal = passwordTokenRefusal(state);
      return refusal ? refuse(refusal) : accept({ type: 'UserPasswordChanged', data: command.data });
    }
    case 'UpdateProfile': {
      if (command.actor.id !== command.data.userId) return refuse(forbidden('the user themselves'));
      if (state.status === 'none') return notFound();
      if (state.status === 'deactivated') return deactivated();
      const { userId, email, displayName, locale, bookingVisibility } = command.data;
      const changed = {
        ...sealedChanges({ email, displayName }),
        ...(locale === undefined || locale === state.locale ? {} : { locale }),
        ...(bookingVisibility === undefined || bookingVisibility === state.bookingVisibility ? {} : { bookingVisibility }),
      };
      if (Object.keys(changed).length === 0) return accept();
      return accept({ type: 'UserProfileChanged', data: { userId, ...changed } });
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}
