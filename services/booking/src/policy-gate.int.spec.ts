import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventEnvelope, RequestContext } from '@plass/contracts';
import { ProjectionRunner, openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import { tempDir, type TempDir } from '@plass/testing';
import { PolicyGate } from './policy-gate.js';
import { forgetAcknowledgements, privacyPolicies } from './privacy-policies.js';

const tenantId = randomUUID();
const otherTenant = randomUUID();
const userId = randomUUID();
const ctx: RequestContext = { tenantId, roles: ['employee'], correlationId: randomUUID() };

function privacyEvent(type: string, data: Record<string, unknown>, occurredAt = '2030-03-04T09:00:00.000Z', tenant = tenantId): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    tenantId: tenant,
    context: 'privacy',
    streamId: `policy-${tenant}`,
    occurredAt,
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}
const published = (version: string, requireAcknowledgement: boolean, occurredAt?: string) =>
  privacyEvent('PrivacyPolicyPublished', { version, text: 'We process booking data to run the office.', requireAcknowledgement }, occurredAt);
const acknowledged = (version: string, tenant = tenantId) => privacyEvent('PrivacyPolicyAcknowledged', { userId, version }, undefined, tenant);

describe('the privacy policy gate (projection in SQLite, privacy asked only when it says so)', () => {
  let dir: TempDir;
  let store: ProjectionStore;
  let runner: ProjectionRunner;
  let privacySays: { required: boolean; currentVersion: string | null; acknowledged: boolean };
  let asked: number;
  let gate: PolicyGate;

  beforeEach(() => {
    dir = tempDir('plass-policy-gate-');
    store = openSqliteProjectionStore({ file: join(dir.path, 'read-model.db') });
    runner = new ProjectionRunner({ definition: privacyPolicies, store });
    privacySays = { required: true, currentVersion: 'v1', acknowledged: false };
    asked = 0;
    gate = new PolicyGate({
      readModel: store,
      ask: async () => {
        asked += 1;
        return privacySays;
      },
    });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const check = () => gate.requireAcknowledged(ctx, userId);
  const refused = expect.objectContaining({ error: expect.objectContaining({ code: 'privacy.policy_not_acknowledged', details: { version: 'v1' } }) });

  it('lets everyone book without asking while no policy requires acknowledgement', async () => {
    await expect(check()).resolves.toBeUndefined();
    await runner.handle(published('v1', false));
    await expect(check()).resolves.toBeUndefined();
    expect(asked).toBe(0);
  });

  it('refuses when the projection and privacy agree the current version is not acknowledged', async () => {
    await runner.handle(published('v1', true));
    await expect(check()).rejects.toEqual(refused);
    expect(asked).toBe(1);
  });

  it('books without asking once the acknowledgement is projected', async () => {
    await runner.handle(published('v1', true));
    await runner.handle(acknowledged('v1'));
    await expect(check()).resolves.toBeUndefined();
    expect(asked).toBe(0);
  });

  it('trusts privacy over a projection that has not seen the acknowledgement yet', async () => {
    await runner.handle(published('v1', true));
    privacySays = { required: true, currentVersion: 'v1', acknowledged: true };
    await expect(check()).resolves.toBeUndefined();
    expect(asked).toBe(1);
  });

  it('asks again for a newer version, and ignores a publication that arrives late', async () => {
    await runner.handle(published('v1', true, '2030-03-04T09:00:00.000Z'));
    await runner.handle(acknowledged('v1'));
    await runner.handle(published('v2', true, '2030-03-05T09:00:00.000Z'));
    await runner.handle(published('v0', false, '2030-03-01T09:00:00.000Z'));
    privacySays = { required: true, currentVersion: 'v2', acknowledged: false };
    await expect(check()).rejects.toEqual(expect.objectContaining({ error: expect.objectContaining({ code: 'privacy.policy_not_acknowledged' }) }));
    expect(asked).toBe(1);
  });

  it('keeps tenants apart', async () => {
    await runner.handle(published('v1', true));
    await runner.handle(acknowledged('v1', otherTenant));
    await expect(check()).rejects.toEqual(refused);
  });

  it('forgets a person’s acknowledgements on erasure', async () => {
    await runner.handle(published('v1', true));
    await runner.handle(acknowledged('v1'));
    await forgetAcknowledgements(store, tenantId, userId);
    await expect(check()).rejects.toEqual(refused);
  });
});

describe('the restriction gate (Art. 18/21)', () => {
  let dir: TempDir;
  let store: ProjectionStore;
  let runner: ProjectionRunner;
  let gate: PolicyGate;
  const restrictionId = randomUUID();
  const restricted = privacyEvent('ProcessingRestricted', { restrictionId, subjectId: userId, ground: 'objection' });
  const lifted = privacyEvent('ProcessingRestrictionLifted', { restrictionId, subjectId: userId, reason: 'compelling_grounds' });
  const refused = expect.objectContaining({ error: expect.objectContaining({ code: 'privacy.processing_restricted' }) });

  beforeEach(() => {
    dir = tempDir('plass-restriction-gate-');
    store = openSqliteProjectionStore({ file: join(dir.path, 'read-model.db') });
    runner = new ProjectionRunner({ definition: privacyPolicies, store });
    gate = new PolicyGate({ readModel: store, ask: () => Promise.reject(new Error('not asked')) });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('refuses from the restriction event until its lifting, for the tenant it was placed in', async () => {
    await expect(gate.requireNotRestricted(ctx, userId)).resolves.toBeUndefined();
    await runner.handle(restricted);
    await expect(gate.requireNotRestricted(ctx, userId)).rejects.toEqual(refused);
    await expect(gate.requireNotRestricted({ ...ctx, tenantId: otherTenant }, userId)).resolves.toBeUndefined();
    await runner.handle(lifted);
    await expect(gate.requireNotRestricted(ctx, userId)).resolves.toBeUndefined();
  });

  it('a lifting applied directly is not undone by the placement arriving late from the consumer', async () => {
    await gate.applyRestriction({ restrictionId, subjectId: userId, inForce: true }, ctx);
    await expect(gate.requireNotRestricted(ctx, userId)).rejects.toEqual(refused);
    await gate.applyRestriction({ restrictionId, subjectId: userId, inForce: false }, ctx);
    await runner.handle(restricted);
    await expect(gate.requireNotRestricted(ctx, userId)).resolves.toBeUndefined();
  });

  it('forgets the restrictions of an erased person', async () => {
    await runner.handle(restricted);
    await forgetAcknowledgements(store, tenantId, userId);
    await expect(gate.requireNotRestricted(ctx, userId)).resolves.toBeUndefined();
  });
});
