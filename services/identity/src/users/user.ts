import type { DomainEvent, Locale, Role } from '@plass/contracts';

type Visibility = 'visible' | 'hidden';

/** What the deciders need of a user: clear fields only, so a stream folds without any key. */
export type User = { status: 'none' } | { status: 'active' | 'deactivated'; id: string; role: Role; locale: Locale; hasPassword: boolean; bookingVisibility?: Visibility };

export const initialUser: User = { status: 'none' };

export function evolveUser(state: User, event: DomainEvent): User {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, role, locale, passwordHash } = event.data;
      return { status: 'active', id: userId, role, locale, hasPassword: passwordHash !== undefined };
    }
    case 'UserRoleChanged':
      return state.status === 'none' ? state : { ...state, role: event.data.role };
    case 'UserProfileChanged': {
      if (state.status === 'none') return state;
      const { locale, bookingVisibility } = event.data;
      return {
        ...state,
        ...(locale === undefined ? {} : { locale }),
        ...(bookingVisibility === undefined ? {} : { bookingVisibility }),
      };
    }
    case 'UserPasswordChanged':
      return state.status === 'none' ? state : { ...state, hasPassword: true };
    case 'UserDeactivated':
      return state.status === 'none' ? state : { ...state, status: 'deactivated' };
    default:
      return state;
  }
}

export const userStream = (tenantId: string, userId: string) => `user-${tenantId}-${userId}`;
