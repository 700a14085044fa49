import { accept, domainError, reject, type CallerRole, type Decision, type SpaceKind } from '@plass/contracts';
import type { Space } from './space.js';

export interface CreateSpace {
  type: 'CreateSpace';
  data: { spaceId: string; name: string; kind: SpaceKind; floor?: string; zone?: string };
  /** The caller's roles: the gateway checks them too, the decider does not trust that it did. */
  actor: { roles: readonly CallerRole[] };
}

export function decideCreateSpace(command: CreateSpace, state: Space): Decision {
  if (!command.actor.roles.includes('admin')) return reject(domainError('auth.forbidden', 'only admins create spaces'));
  if (state.status !== 'none') return reject(domainError('space.already_exists', 'the space already exists'));
  return accept({ type: 'SpaceCreated', data: command.data });
}
