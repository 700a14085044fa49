import { accept, domainError, reject, type Decision, type SpaceKind } from '@plass/contracts';
import type { Space } from './space.js';

export interface CreateSpace {
  type: 'CreateSpace';
  data: { spaceId: string; name: string; kind: SpaceKind; floor?: string; zone?: string };
}

export function decideCreateSpace(command: CreateSpace, state: Space): Decision {
  if (state.status !== 'none') return reject(domainError('space.already_exists', 'the space already exists'));
  return accept({ type: 'SpaceCreated', data: command.data });
}
