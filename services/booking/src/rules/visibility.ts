import { DEFAULT_BOOKING_VISIBILITY, accept, domainError, reject, type BookingVisibility, type Decision, type DomainEvent } from '@plass/contracts';
import { isAdmin, type Actor } from './booking-decision.js';

/** The tenant's rule for who sees who booked a space; kept in the policy stream. */
export const initialVisibility: BookingVisibility = DEFAULT_BOOKING_VISIBILITY;

export const evolveVisibility = (state: BookingVisibility, event: DomainEvent): BookingVisibility =>
  event.type === 'BookingVisibilityChanged' ? event.data.bookingVisibility : state;

export function decideChangeVisibility(command: { bookingVisibility: BookingVisibility; actor: Pick<Actor, 'roles'> }, state: BookingVisibility): Decision {
  if (!isAdmin(command.actor)) return reject(domainError('auth.forbidden', 'only admins change the privacy settings'));
  return command.bookingVisibility === state ? accept() : accept({ type: 'BookingVisibilityChanged', data: { bookingVisibility: command.bookingVisibility } });
}

/**
 * Whether a booker's name is shown to a colleague: the tenant's rule, and where it lets users
 * decide, the user's own choice (absent = the rule's default). Admins always see names.
 */
export function bookerVisible(rule: BookingVisibility, choice: 'visible' | 'hidden' | undefined, viewer: Pick<Actor, 'roles'>): boolean {
  if (isAdmin(viewer)) return true;
  switch (rule) {
    case 'everyone':
      return true;
    case 'nobody':
      return false;
    case 'user-choice-visible':
      return choice !== 'hidden';
    case 'user-choice-hidden':
      return choice === 'visible';
  }
}
