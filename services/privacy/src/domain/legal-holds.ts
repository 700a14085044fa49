import { domainError, type EventData } from '@plass/contracts';
import { accept, reject, type Decided, type Recorded } from './recorded.js';

export interface ActiveHold {
  id: string;
  subjectId: string;
  reason: EventData<'LegalHoldPlaced'>['reason'];
  reference: string | null;
  placedAt: string;
}

/** A tenant's holds that are in force, by id (one stream per tenant). */
export type HoldsState = Record<string, ActiveHold>;

export const initialHolds: HoldsState = {};

export function evolveHolds(state: HoldsState, event: Recorded): HoldsState {
  switch (event.type) {
    case 'LegalHoldPlaced': {
      const { holdId, subjectId, reason, reference } = event.data;
      return { ...state, [holdId]: { id: holdId, subjectId, reason, reference: reference ?? null, placedAt: event.at } };
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
  now: string;
}

export function decidePlaceHold(command: PlaceLegalHold, _state: HoldsState): Decided {
  const { holdId, subjectId, reason, reference, placedBy, now } = command;
  return accept({
    type: 'LegalHoldPlaced',
    data: { holdId, subjectId, reason, ...(reference ? { reference } : {}), ...(placedBy ? { placedBy } : {}) },
    at: now,
  });
}

export function decideLiftHold(command: { holdId: string; liftedBy?: string | undefined; now: string }, state: HoldsState): Decided {
  if (!state[command.holdId]) return reject(domainError('privacy.legal_hold_not_found', 'no such legal hold'));
  return accept({ type: 'LegalHoldLifted', data: { holdId: command.holdId, ...(command.liftedBy ? { liftedBy: command.liftedBy } : {}) }, at: command.now });
}

/** The subject's holds in force, oldest first. */
export const holdsOn = (state: HoldsState, subjectId: string): ActiveHold[] =>
  Object.values(state)
    .filter((hold) => hold.subjectId === subjectId)
    .sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id));
