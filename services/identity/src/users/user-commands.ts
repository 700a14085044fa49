import { accept, domainError, reject as refuse, type Decision, type Locale, type Role } from '@plass/contracts';
import { forbidden, mayAct, type Actor } from '../actor.js';
import type { User } from './user.js';

export type UserCommand =
  | {
      type: 'RegisterUser';
      data: { userId: string; email: string; displayName: string; role: Role; locale: Locale; passwordHash?: string };
      actor: Actor;
    }
  | { type: 'ChangeUserRole'; data: { userId: string; role: Role }; actor: Actor }
  | { type: 'DeactivateUser'; data: { userId: string }; actor: Actor }
  | {
      type: 'UpdateProfile';
      data: { userId: string; displayName?: string; locale?: Locale; bookingVisibility?: 'visible' | 'hidden' };
      actor: Actor;
    };

/** Registering, listing and changing users is for the tenant's admins. */
export const mayManageUsers = (actor: Actor): boolean => mayAct(actor, 'admin');

const notFound = () => refuse(domainError('user.not_found', 'no such user'));
const deactivated = () => refuse(domainError('user.deactivated', 'the user is deactivated'));

export function decideUser(command: UserCommand, state: User): Decision {
  switch (command.type) {
    case 'RegisterUser': {
      if (!mayManageUsers(command.actor)) return refuse(forbidden('admins'));
      if (state.status !== 'none') return refuse(domainError('concurrency.conflict', 'the user already exists'));
      const { passwordHash, ...data } = command.data;
      return accept({ type: 'UserRegistered', data: passwordHash === undefined ? data : { ...data, passwordHash } });
    }
    case 'ChangeUserRole': {
      if (!mayManageUsers(command.actor)) return refuse(forbidden('admins'));
      if (state.status === 'none') return notFound();
      if (state.status === 'deactivated') return deactivated();
      if (state.role === command.data.role) return accept();
      return accept({ type: 'UserRoleChanged', data: command.data });
    }
    case 'DeactivateUser': {
      if (!mayManageUsers(command.actor)) return refuse(forbidden('admins'));
      if (state.status === 'none') return notFound();
      if (state.status === 'deactivated') return accept();
      return accept({ type: 'UserDeactivated', data: command.data });
    }
    case 'UpdateProfile': {
      if (command.actor.id !== command.data.userId) return refuse(forbidden('the user themselves'));
      if (state.status === 'none') return notFound();
      if (state.status === 'deactivated') return deactivated();
      const { userId, displayName, locale, bookingVisibility } = command.data;
      // The stored name is sealed, so a given name always counts as a change; clear fields are compared.
      const changed = {
        ...(displayName === undefined ? {} : { displayName }),
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
