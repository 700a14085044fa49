import { DEFAULT_BOOKING_VISIBILITY, type BookingVisibility } from '@plass/contracts';
import { isAdmin, type Actor } from './booking-decision.js';

/** The tenant's rule for who sees who booked a space (a privacy setting, see `privacy-settings.ts`). */
export const initialVisibility: BookingVisibility = DEFAULT_BOOKING_VISIBILITY;

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
