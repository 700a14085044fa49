import { accept, domainError, reject, type Decision, type PolicyView } from '@plass/contracts';
import type { Recorded } from './recorded.js';

/** A tenant's privacy policy: every version ever published, and the current one. */
export interface PolicyState {
  versions: string[];
  current: PolicyView | null;
}

export const initialPolicy: PolicyState = { versions: [], current: null };

export function evolvePolicy(state: PolicyState, event: Recorded): PolicyState {
  if (event.type !== 'PrivacyPolicyPublished') return state;
  const { version, text, url, requireAcknowledgement } = event.data;
  return { versions: [...state.versions, version], current: { version, text, url: url ?? null, requireAcknowledgement, publishedAt: event.at } };
}

export interface PublishPolicy {
  version: string;
  text: string;
  url?: string | undefined;
  requireAcknowledgement: boolean;
  publishedBy?: string | undefined;
  now: string;
}

/** A version is published once: what users acknowledged must never change under them. */
export function decidePublishPolicy(command: PublishPolicy, state: PolicyState): Decision<Recorded[]> {
  const { version, text, url, requireAcknowledgement, publishedBy, now } = command;
  if (state.versions.includes(version)) {
    return reject(domainError('privacy.policy_version_mismatch', 'this version was already published; publish a new version', { version }));
  }
  return accept({
    type: 'PrivacyPolicyPublished',
    data: { version, text, ...(url ? { url } : {}), requireAcknowledgement, ...(publishedBy ? { publishedBy } : {}) },
    at: now,
  });
}

/** One user's acknowledgements: version → when (one stream per user). */
export type ConsentState = Record<string, string>;

export const initialConsent: ConsentState = {};

export function evolveConsent(state: ConsentState, event: Recorded): ConsentState {
  if (event.type === 'PrivacyPolicyAcknowledged' && state[event.data.version] === undefined) return { ...state, [event.data.version]: event.at };
  if (event.type === 'PrivacyPolicyAcknowledgementWithdrawn') {
    const { [event.data.version]: _withdrawn, ...rest } = state;
    return rest;
  }
  return state;
}

/** Withdrawing consent (Art. 7(3)): only an acknowledgement of the current version can be withdrawn. */
export function decideWithdraw(command: { userId: string; now: string; policy: PolicyState }, state: ConsentState): Decision<Recorded[]> {
  const current = command.policy.current;
  if (!current) return reject(domainError('privacy.policy_not_found', 'no privacy policy has been published'));
  if (state[current.version] === undefined) return reject(domainError('privacy.acknowledgement_not_found', 'the current privacy policy is not acknowledged'));
  return accept({ type: 'PrivacyPolicyAcknowledgementWithdrawn', data: { userId: command.userId, version: current.version }, at: command.now });
}

/** Only the current version can be acknowledged; acknowledging it again changes nothing. */
export function decideAcknowledge(command: { userId: string; version: string; now: string; policy: PolicyState }, state: ConsentState): Decision<Recorded[]> {
  const current = command.policy.current;
  if (!current) return reject(domainError('privacy.policy_not_found', 'no privacy policy has been published'));
  if (command.version !== current.version) {
    return reject(domainError('privacy.policy_version_mismatch', 'that is not the current privacy policy version', { currentVersion: current.version }));
  }
  if (state[command.version] !== undefined) return accept();
  return accept({ type: 'PrivacyPolicyAcknowledged', data: { userId: command.userId, version: command.version }, at: command.now });
}

/** What booking asks before it lets a user book. */
export function acknowledgementStatus(policy: PolicyState, consent: ConsentState): { required: boolean; currentVersion: string | null; acknowledged: boolean } {
  const current = policy.current;
  if (!current) return { required: false, currentVersion: null, acknowledged: false };
  return { required: current.requireAcknowledgement, currentVersion: current.version, acknowledged: consent[current.version] !== undefined };
}
