import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcknowledgePolicy,
  DestroyExpiredKeys,
  GetErasureRequest,
  GetOrCreateKeys,
  GetPolicy,
  GetProcessingRecords,
  ListUnacknowledged,
  PolicyAcknowledgementStatus,
  PublishPolicy,
  ReadAuditLog,
  RequestErasure,
  SetSubProcessors,
  type RequestContext,
} from '@plass/contracts';
import { openSqliteProjectionStore } from '@plass/projections';
import { waitFor } from '@plass/testing';
import { ACKNOWLEDGEMENTS, USERS } from './read-model.js';
import { addPerson, as, startPrivacyHarness, type PrivacyHarness } from './test-support/harness.js';
import { publishIdentityEvent } from './test-support/participants.js';

let h: PrivacyHarness;
const tenantId = randomUUID();
const adminId = randomUUID();
const admin = as(tenantId, adminId, 'admin');
const officer = as(tenantId, randomUUID(), 'privacy_officer');

beforeAll(async () => {
  h = await startPrivacyHarness();
});

afterAll(async () => {
  await h?.stop();
});

const auditWindow = () => ({ from: new Date(h.clock.now.getTime() - 60_000).toISOString(), to: new Date(h.clock.now.getTime() + 60_000).toISOString() });
const fails = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ error: { code } });

describe('the privacy policy', () => {
  it('is published in versions, acknowledged by users, and shows who has not acknowledged the current one', async () => {
    const [ann, ben, cas] = [addPerson(h, tenantId), addPerson(h, tenantId), addPerson(h, tenantId)];
    for (const person of [ann, ben, cas]) await publishIdentityEvent(h.client, 'UserRegistered', tenantId, person.subjectId);
    await publishIdentityEvent(h.client, 'UserDeactivated', tenantId, cas.subjectId);
    await publishIdentityEvent(h.client, 'UserRegistered', randomUUID(), randomUUID());

    await fails(h.client.request(GetPolicy, {}, ann.ctx), 'privacy.policy_not_found');
    await fails(h.client.request(AcknowledgePolicy, { version: 'v1' }, ann.ctx), 'privacy.policy_not_found');
    await fails(h.client.request(ListUnacknowledged, {}, officer), 'privacy.policy_not_found');
    await fails(h.client.request(PublishPolicy, { version: 'v1', text: 'x', requireAcknowledgement: true }, officer), 'auth.forbidden');

    const v1 = await h.client.request(PublishPolicy, { version: 'v1', text: 'Policy one', url: 'https://example.test/privacy', requireAcknowledgement: true }, admin);
    expect(v1).toEqual({ version: 'v1', text: 'Policy one', url: 'https://example.test/privacy', requireAcknowledgement: true, publishedAt: h.clock.now.toISOString() });
    expect(await h.client.request(GetPolicy, {}, ben.ctx)).toEqual(v1);
    await fails(h.client.request(PublishPolicy, { version: 'v1', text: 'Policy one, edited', requireAcknowledgement: true }, admin), 'privacy.policy_version_mismatch');

    await fails(h.client.request(AcknowledgePolicy, { version: 'v0' }, ann.ctx), 'privacy.policy_version_mismatch');
    const ack = await h.client.request(AcknowledgePolicy, { version: 'v1' }, ann.ctx);
    expect(ack).toEqual({ version: 'v1', acknowledgedAt: h.clock.now.toISOString() });
    h.clock.advance(1000);
    expect(await h.client.request(AcknowledgePolicy, { version: 'v1' }, ann.ctx)).toEqual(ack);

    const status = (person: { subjectId: string; ctx: RequestContext }) => h.client.request(PolicyAcknowledgementStatus, { userId: person.subjectId }, person.ctx);
    expect(await status(ann)).toEqual({ required: true, currentVersion: 'v1', acknowledged: true });
    expect(await status(ben)).toEqual({ required: true, currentVersion: 'v1', acknowledged: false });

    await h.settle();
    expect(await h.client.request(ListUnacknowledged, {}, officer)).toEqual({ version: 'v1', userIds: [ben.subjectId] });
    await fails(h.client.request(ListUnacknowledged, {}, ann.ctx), 'auth.forbidden');

    await h.client.request(PublishPolicy, { version: 'v2', text: 'Policy two', requireAcknowledgement: false }, admin);
    expect(await status(ann)).toEqual({ required: false, currentVersion: 'v2', acknowledged: false });
    await h.settle();
    expect(await h.client.request(ListUnacknowledged, {}, officer)).toEqual({ version: 'v2', userIds: [ann.subjectId, ben.subjectId].sort() });

    const { items } = await h.client.request(ReadAuditLog, auditWindow(), officer);
    expect(items.filter((entry) => entry.operation.startsWith('policy.')).map((entry) => [entry.operation, entry.details?.version, entry.actorId])).toEqual([
      ['policy.published', 'v1', adminId],
      ['policy.acknowledged', 'v1', ann.subjectId],
      ['policy.published', 'v2', adminId],
    ]);
  });

  it('refuses an acknowledgement from an erased subject (410); their consent events stay as evidence, their documents go', async () => {
    const person = addPerson(h, tenantId);
    await publishIdentityEvent(h.client, 'UserRegistered', tenantId, person.subjectId);
    await h.client.request(AcknowledgePolicy, { version: 'v2' }, person.ctx);
    await h.settle();
    const readModel = openSqliteProjectionStore({ file: join(h.dir.path, 'privacy', 'read-model.db') });
    try {
      const documents = async () => [
        ...(await readModel.find(ACKNOWLEDGEMENTS, { tenantId, userId: person.subjectId })),
        ...(await readModel.find(USERS, { tenantId, userId: person.subjectId })),
      ];
      expect(await documents()).toHaveLength(2);

      const erasure = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer);
      await waitFor(async () => (await h.client.request(GetErasureRequest, { requestId: erasure.id }, officer)).status === 'completed', { what: 'the erasure' });
      await h.settle();

      await fails(h.client.request(AcknowledgePolicy, { version: 'v2' }, person.ctx), 'privacy.subject_erased');
      expect(await h.client.request(PolicyAcknowledgementStatus, { userId: person.subjectId }, officer)).toMatchObject({ currentVersion: 'v2', acknowledged: true });
      expect(await documents()).toEqual([]);
      const { items } = await h.client.request(ReadAuditLog, auditWindow(), officer);
      expect(items.filter((entry) => entry.operation === 'policy.acknowledged' && entry.subjectId === person.subjectId).map((entry) => entry.outcome)).toEqual([
        'succeeded',
        'refused',
      ]);
    } finally {
      await readModel.close();
    }
  });
});

describe('the record of processing (Art. 30)', () => {
  it("lists purposes, categories, legal bases, retention, recipients and the tenant's sub-processors", async () => {
    const items = [{ name: 'Mail Relay AS', purpose: 'sending booking e-mails', country: 'NO' }];
    await fails(h.client.request(SetSubProcessors, { items }, officer), 'auth.forbidden');
    expect(await h.client.request(SetSubProcessors, { items }, admin)).toEqual({ items });

    const record = await h.client.request(GetProcessingRecords, {}, officer);
    expect(record).toMatchObject({ controller: { tenantId }, generatedAt: h.clock.now.toISOString(), subProcessors: items });
    expect(record.activities.map((activity) => activity.purpose)).toEqual(['profile', 'booking', 'notification', 'controller_contact']);
    expect(record.activities[1]!.retention).toContain('90 days');
    expect(record.activities[0]!.categories.map((c) => c.category)).toEqual(expect.arrayContaining(['contact', 'name', 'credential']));
    await fails(h.client.request(GetProcessingRecords, {}, as(tenantId, randomUUID(), 'employee')), 'auth.forbidden');

    const { items: audit } = await h.client.request(ReadAuditLog, auditWindow(), officer);
    expect(audit.filter((entry) => entry.operation === 'sub_processors.changed')).toEqual([
      expect.objectContaining({ actorId: adminId, outcome: 'succeeded', details: { count: 1 } }),
    ]);
  });
});

describe('the audit log', () => {
  it('records key destruction for retention with its count, and is readable by privacy officers only', async () => {
    const person = addPerson(h, tenantId);
    await h.client.request(
      GetOrCreateKeys,
      { scopes: ['2030-03-01', '2030-03-02', '2030-03-09'].map((period) => ({ subjectId: person.subjectId, purpose: 'booking' as const, period })) },
      person.ctx,
    );
    const system: RequestContext = { tenantId, roles: [], correlationId: randomUUID() };
    expect(await h.client.request(DestroyExpiredKeys, { purpose: 'booking', periodsBefore: '2030-03-03' }, system)).toEqual({ destroyedKeys: 2 });

    const { items } = await h.client.request(ReadAuditLog, auditWindow(), officer);
    expect(items.filter((entry) => entry.operation === 'keys.retention_destroyed')).toEqual([
      expect.objectContaining({ outcome: 'succeeded', details: { keys: 2, purpose: 'booking', periodsBefore: '2030-03-03' } }),
    ]);
    expect(items.map((entry) => entry.at)).toEqual([...items.map((entry) => entry.at)].sort());

    await fails(h.client.request(ReadAuditLog, auditWindow(), admin), 'auth.forbidden');
    const other = await h.client.request(ReadAuditLog, auditWindow(), as(randomUUID(), randomUUID(), 'privacy_officer'));
    expect(other.items).toEqual([]);
    const { from } = auditWindow();
    await fails(h.client.request(ReadAuditLog, { from, to: new Date(Date.parse(from) + 63 * 86_400_000).toISOString() }, officer), 'validation.failed');
  });
});
