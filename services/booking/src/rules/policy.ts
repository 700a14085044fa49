import { DEFAULT_BOOKING_POLICY, type BookingPolicy, type DomainEvent } from '@plass/contracts';

export type Policy = BookingPolicy;

export const initialPolicy: Policy = DEFAULT_BOOKING_POLICY;

export function evolvePolicy(state: Policy, event: DomainEvent): Policy {
  if (event.type !== 'BookingPolicyChanged') return state;
  const next = { ...state };
  for (const [field, value] of Object.entries(event.data) as [keyof Policy, never][]) {
    if (value !== undefined) next[field] = value;
  }
  return next;
}
