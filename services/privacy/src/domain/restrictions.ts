import { accept, domainError, reject, type Decision, type EventData, type RequestContext } from '@plass/contracts';
import { isOfficer } from './access.js';
import type { Recorded } from './recorded.js';

export type RestrictionGround = EventData<'ProcessingRestricted'>['ground'];
export type RestrictionLiftReason = EventData<'ProcessingRestrictionLifted'>['reason'];

export interface Restriction {
  id: string;
  subjectId: string;
  ground: RestrictionGround;
  placedAt: string;
  placedBy: string | null;
}

/** A tenant's restrictions in force (Art. 18 and 21), by id; a lifted one is gone. One stream per tenant. */
export type RestrictionsState = Record<string, Restriction>;

export const initialRestrictions: RestrictionsState = {};

export function evolveRestrictions(state: RestrictionsState, event: Recorded): RestrictionsState {
  switch (event.type) {
    case 'ProcessingRestricted': {
      const { restrictionId, subjectId, ground, placedBy } = event.data;
      return { ...state, [restrictionId]: { id: restrictionId, subjectId, ground, placedAt: event.at, placedBy: placedBy ?? null } };
    }
    case 'ProcessingRestrictionLifted': {
      const { [event.data.restrictionId]: _lifted, ...rest } = state;
      return rest;
    }
    default:
      return state;
  }
}

/** The subject's restrictions in force, oldest first. */
export const restrictionsOn = (state: RestrictionsState, subjectId: string): Restriction[] =>
  Object.values(state)
    .filter((restriction) => restriction.subjectId === subjectId)
    .sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id));

/** Everyone whose processing is restricted, oldest restriction first. */
export const allRestrictions = (state: RestrictionsState): Restriction[] => Object.values(state).sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id));

/** Restricting on a ground already in force for the subject changes nothing: the answer is the one in force. */
export function decideRestrict(
  command: { restrictionId: string; subjectId: string; ground: RestrictionGround; placedBy?: string | undefined; now: string },
  state: RestrictionsState,
): Decision<Recorded[]> {
  const { restrictionId, subjectId, ground, placedBy, now } = command;
  if (restrictionsOn(state, subjectId).some((restriction) => restriction.ground === ground)) return accept();
  return accept({ type: 'ProcessingRestricted', data: { restrictionId, subjectId, ground, ...(placedBy ? { placedBy } : {}) }, at: now });
}

/**
 * Officers lift any restriction with the reason (having told the person, Art. 18(3)); the person
 * may only withdraw their own. A restriction not in force, or someone else's, is not found.
 */
export function decideLift(
  command: { restrictionId: string; reason: RestrictionLiftReason; actor: Pick<RequestContext, 'actorId' | 'roles'>; now: string },
  state: RestrictionsState,
): Decision<Recorded[]> {
  const { restrictionId, reason, actor, now } = command;
  const restriction = state[restrictionId];
  const officer = isOfficer(actor);
  if (!restriction || (!officer && restriction.subjectId !== actor.actorId)) {
    return reject(domainError('privacy.restriction_not_found', 'no such restriction of processing'));
  }
  if (!officer && reason !== 'withdrawn_by_subject') {
    return reject(domainError('auth.forbidden', 'you may only withdraw your own restriction (reason withdrawn_by_subject)'));
  }
  const liftedBy = actor.actorId;
  return accept({
    type: 'ProcessingRestrictionLifted',
    data: { restrictionId, subjectId: restriction.subjectId, reason, ...(liftedBy ? { liftedBy } : {}) },
    at: now,
  });
}
