import { deciderSpec } from '@plass/testing';
import {
  acknowledgementStatus,
  decideAcknowledge,
  decidePublishPolicy,
  evolveConsent,
  evolvePolicy,
  initialConsent,
  initialPolicy,
  type ConsentState,
  type PolicyState,
  type PublishPolicy,
} from './policy.js';
import type { Recorded } from './recorded.js';

const admin = '11111111-1111-4111-8111-111111111111';
const userId = '22222222-2222-4222-8222-222222222222';
const t0 = '2030-03-01T08:00:00.000Z';
const t1 = '2030-03-02T08:00:00.000Z';

const published = (version: string, requireAcknowledgement = true): Recorded => ({
  type: 'PrivacyPolicyPublished',
  data: { version, text: `policy ${version}`, requireAcknowledgement, publishedBy: admin },
  at: t0,
});
const acknowledged = (version: string): Recorded => ({ type: 'PrivacyPolicyAcknowledged', data: { userId, version }, at: t1 });

const publishSpec = deciderSpec<PublishPolicy, Recorded, PolicyState, { code: string }>({ initialState: initialPolicy, evolve: evolvePolicy, decide: decidePublishPolicy });
const policyOf = (...events: Recorded[]) => events.reduce(evolvePolicy, initialPolicy);
const ackSpec = (policy: PolicyState) =>
  deciderSpec<{ version: string }, Recorded, ConsentState, { code: string }>({
    initialState: initialConsent,
    evolve: evolveConsent,
    decide: ({ version }, state) => decideAcknowledge({ userId, version, now: t1, policy }, state),
  });

describe('publishing the privacy policy', () => {
  it('publishes a new version, which becomes the current one', () => {
    publishSpec
      .given([])
      .when({ version: 'v1', text: 'policy v1', requireAcknowledgement: true, publishedBy: admin, now: t0 })
      .then([published('v1')]);
    expect(policyOf(published('v1'), published('v2', false)).current).toEqual({
      version: 'v2',
      text: 'policy v2',
      url: null,
      requireAcknowledgement: false,
      publishedAt: t0,
    });
  });

  it('refuses to republish a version that was published before, current or not', () => {
    publishSpec
      .given([published('v1')])
      .when({ version: 'v1', text: 'changed', requireAcknowledgement: true, now: t1 })
      .thenFails({ code: 'privacy.policy_version_mismatch' });
    publishSpec
      .given([published('v1'), published('v2')])
      .when({ version: 'v1', text: 'back', requireAcknowledgement: true, now: t1 })
      .thenFails({ code: 'privacy.policy_version_mismatch' });
  });
});

describe('acknowledging the privacy policy', () => {
  it('acknowledges the current version once', () => {
    ackSpec(policyOf(published('v1')))
      .given([])
      .when({ version: 'v1' })
      .then([acknowledged('v1')]);
    ackSpec(policyOf(published('v1')))
      .given([acknowledged('v1')])
      .when({ version: 'v1' })
      .then([]);
  });

  it('refuses another version than the current one, and refuses when nothing is published', () => {
    ackSpec(policyOf(published('v1'), published('v2')))
      .given([])
      .when({ version: 'v1' })
      .thenFails({ code: 'privacy.policy_version_mismatch' });
    ackSpec(initialPolicy).given([]).when({ version: 'v1' }).thenFails({ code: 'privacy.policy_not_found' });
  });

  it('tells booking whether the user may book', () => {
    const consent = [acknowledged('v1')].reduce(evolveConsent, initialConsent);
    expect(acknowledgementStatus(initialPolicy, initialConsent)).toEqual({ required: false, currentVersion: null, acknowledged: false });
    expect(acknowledgementStatus(policyOf(published('v1')), consent)).toEqual({ required: true, currentVersion: 'v1', acknowledged: true });
    expect(acknowledgementStatus(policyOf(published('v1'), published('v2')), consent)).toEqual({ required: true, currentVersion: 'v2', acknowledged: false });
    expect(acknowledgementStatus(policyOf(published('v1'), published('v2', false)), consent)).toEqual({ required: false, currentVersion: 'v2', acknowledged: false });
  });
});
