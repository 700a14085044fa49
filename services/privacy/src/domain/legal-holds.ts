import { accept, domainError, reject, type Decision, type EventData } from '@plass/contracts';
import type { Recorded } from './recorded.js';

export interface ActiveHold {
  id: string;
  subjectId: string;
  reason: EventData<'LegalHoldPlaced'>['reason'];
  reference: string | null;
  placedAt: string;
  /** The hold ends by itself at this instant; `null`: only when lifted. */
  until: string | null;
}

/** A tenant's holds not lifted, by id (one stream per tenant); those past `until` are no longer in force. */
export type HoldsState = Record<string, ActiveHold>;

export const initialHolds: HoldsState = {};

export function evolveHolds(state: HoldsState, event: Recorded): HoldsState {
  switch (event.type) {
    case 'LegalHoldPlaced': {
      const { holdId, subjectId, reason, reference, until } = event.data;
      return { ...state, [holdId]: { id: holdId, subjectId, reason, reference: reference ?? null, placedAt: event.at, until: until ?? null } };
    }
    case 'LegalHoldLifted': {
      const { [event.data.holdId]: _lifted, ...rest } = state;
      return rest;
    }
    default:
      return state;
  }
}

export interface PlaceLegalHold {
  holdId: string;
  subjectId: string;
  reason: ActiveHold['reason'];
  reference?: string | undefined;
  placedBy?: string | undefined;
  until?: string | undefined;
  now: string;
}

export const inForce = (hold: ActiveHold, now: string): boolean => hold.until === null || Date.parse(hold.until) > Date.parse(now);

/** A hold with an end must end in the future: one already over would hold nothing. */
export function decidePlaceHold(command: PlaceLegalHold, _state: HoldsState): Decision<Recorded[]> {
  const { holdId, subjectId, reason, reference, placedBy, until, now } = command;
  if (until !== undefined && !(Date.parse(until) > Date.parse(now))) {
    return reject(domainError('validation.failed', 'until must lie in the future', { errors: [{ path: 'until', message: 'must lie in the future' }] }));
  }
  return accept({
    type: 'LegalHoldPlaced',
    data: {
      holdId,
      subjectId,
      reason,
      ...(reference ? { reference } : {}),
      ...(placedBy ? { placedBy } : {}),
      ...(until ? { until: new Date(until).toISOString() } : {}),
    },
    at: now,
  });
}

/** Only a hold in force can be lifted: an expired one has ended like a lifted one. */
export function decideLiftHold(command: { holdId: string; liftedBy?: string | undefined; now: string }, state: HoldsState): Decision<Recorded[]> {
  const hold = state[command.holdId];
  if (!hold || !inForce(hold, command.now)) return reject(domainError('privacy.legal_hold_not_found', 'no such legal hold'));
  return accept({ type: 'LegalHoldLifted', data: { holdId: command.holdId, ...(command.liftedBy ? { liftedBy: command.liftedBy } : {}) }, at: command.now });
}

/** The holds in force at `now`, oldest first. */
export const holdsInForce = (state: HoldsState, now: string): ActiveHold[] =>
  Object.values(state)
    .filter((hold) => inForce(hold, now))
    .sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id));

/** The subject's holds in force at `now`, oldest first. */
export const holdsOn = (state: HoldsState, subjectId: string, now: string): ActiveHold[] => holdsInForce(state, now).filter((hold) => hold.subjectId === subjectId);

/** Everyone a hold in force protects at `now`: retention must not destroy their keys either. */
export const heldSubjects = (state: HoldsState, now: string): string[] => [...new Set(holdsInForce(state, now).map((hold) => hold.subjectId))].sort();
