import { accept, domainError, reject, type BookingPolicy, type Decision } from '@plass/contracts';
import { isAdmin, validationFailed, type Actor } from './booking-decision.js';
import type { Policy } from './policy.js';

export interface ChangePolicy {
  data: Partial<BookingPolicy>;
  actor: Pick<Actor, 'roles'>;
}

/** Emits only the fields that differ; the policy as it would become must keep min ≤ max duration. */
export function decideChangePolicy(command: ChangePolicy, state: Policy): Decision {
  if (!isAdmin(command.actor)) return reject(domainError('auth.forbidden', 'only admins change the booking policy'));
  const changes: Partial<BookingPolicy> = {};
  for (const [field, value] of Object.entries(command.data) as [keyof BookingPolicy, never][]) {
    if (value !== undefined && value !== state[field]) changes[field] = value;
  }
  const next = { ...state, ...changes };
  if (next.minDurationMinutes > next.maxDurationMinutes) {
    return reject(validationFailed('minDurationMinutes', 'must not exceed maxDurationMinutes'));
  }
  return Object.keys(changes).length > 0 ? accept({ type: 'BookingPolicyChanged', data: changes }) : accept();
}
