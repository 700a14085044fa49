import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AcknowledgePolicy, ExportBundle, GetErasureRequest, GetExportRequest, PublishPolicy, ReadAuditLog, RequestErasure, RequestExport } from '@plass/contracts';
import { listFiles, scanForPlaintext, waitFor } from '@plass/testing';
import { addPerson, as, startPrivacyHarness, type PrivacyHarness } from './test-support/harness.js';

let h: PrivacyHarness;
const tenantId = randomUUID();
const officer = as(tenantId, randomUUID(), 'privacy_officer');
const policyText = 'We book desks for you and keep what we must, no longer. Policy text in clear.';

beforeAll(async () => {
  h = await startPrivacyHarness();
  await h.client.request(PublishPolicy, { version: '2030-03', text: policyText, requireAcknowledgement: true }, as(tenantId, randomUUID(), 'admin'));
});

afterAll(async () => {
  await h?.stop();
});

const completedExport = (requestId: string, ctx = officer) =>
  waitFor(
    async () => {
      const view = await h.client.request(GetExportRequest, { requestId }, ctx);
      return view.status === 'completed' && view;
    },
    { what: `export ${requestId} to complete` },
  );

describe('the export (Art. 15/20)', () => {
  it('assembles one bundle from every participant, stored only encrypted, and shredded by the erasure', async () => {
    const person = addPerson(h, tenantId);
    await h.client.request(AcknowledgePolicy, { version: '2030-03' }, person.ctx);

    const accepted = await h.client.request(RequestExport, { subjectId: person.subjectId }, person.ctx);
    expect(accepted).toMatchObject({ status: 'pending', bundle: null, dueAt: '2030-04-04T07:00:00.000Z' });
    const done = await completedExport(accepted.id, person.ctx);

    expect(done.expiresAt).toBe(new Date(h.clock.now.getTime() + 7 * 86_400_000).toISOString());
    expect(ExportBundle.parse(done.bundle)).toEqual(done.bundle);
    expect(done.bundle).toEqual({
      format: 'plass-export/v1',
      subjectId: person.subjectId,
      generatedAt: h.clock.now.toISOString(),
      answeredBy: ['identity', 'booking', 'privacy'],
      profile: { email: person.email, displayName: person.displayName },
      bookings: person.bookingTitles.map((subject) => ({ bookingId: expect.any(String), subject })),
      notifications: [],
      consents: [{ version: '2030-03', acknowledgedAt: h.clock.now.toISOString() }],
      restrictions: [],
    });

    await h.settle();
    expect(listFiles(h.dir.path)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^privacy\/read-model\.db/), expect.stringMatching(/^privacy\/events\.db/), expect.stringMatching(/^nats\//)]),
    );
    // Positive control: the scan finds what privacy does keep in clear (the policy text).
    expect(scanForPlaintext(h.dir.path, [policyText])).not.toEqual([]);
    expect(scanForPlaintext(h.dir.path, [person.email, person.displayName, ...person.bookingTitles, JSON.stringify(done.bundle)])).toEqual([]);

    const erasure = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer);
    await waitFor(async () => (await h.client.request(GetErasureRequest, { requestId: erasure.id }, officer)).status === 'completed', { what: 'the erasure' });
    expect(await h.client.request(GetExportRequest, { requestId: accepted.id }, officer)).toMatchObject({ status: 'completed', bundle: null, expiresAt: null });

    const { items } = await h.client.request(
      ReadAuditLog,
      { from: new Date(h.clock.now.getTime() - 60_000).toISOString(), to: new Date(h.clock.now.getTime() + 60_000).toISOString() },
      officer,
    );
    const served = items.filter((entry) => entry.requestId === accepted.id);
    expect(served.map((entry) => `${entry.operation}:${entry.outcome}`)).toEqual([
      'export.requested:accepted',
      'export.completed:succeeded',
      ...served.filter((entry) => entry.operation === 'export.served').map(() => 'export.served:succeeded'),
    ]);
    expect(served.filter((entry) => entry.operation === 'export.served')).not.toEqual([]);
    expect(served.find((entry) => entry.operation === 'export.requested')).toMatchObject({ actorId: person.subjectId, subjectId: person.subjectId });
    expect(JSON.stringify(items)).not.toContain(person.email);
  });

  it('stays pending while a participant is down and completes after a retry', async () => {
    const person = addPerson(h, tenantId);
    await h.identity.stop();
    let requestId: string;
    try {
      await expect(h.client.request(RequestExport, { subjectId: person.subjectId }, officer)).rejects.toMatchObject({ error: { code: 'service.unavailable' } });
    } finally {
      await h.identity.start();
    }
    await h.booking.stop();
    try {
      requestId = (await h.client.request(RequestExport, { subjectId: person.subjectId }, officer)).id;
      await h.settle();
      expect(await h.client.request(GetExportRequest, { requestId }, officer)).toMatchObject({ status: 'pending', bundle: null });
    } finally {
      await h.booking.start();
    }
    await h.privacy.resumeSagas();
    expect((await completedExport(requestId)).bundle).toMatchObject({ profile: { email: person.email }, bookings: [expect.anything(), expect.anything()] });
  });

  it('lets employees export only their own data and read only their own requests', async () => {
    const alice = addPerson(h, tenantId);
    const bob = addPerson(h, tenantId);
    await expect(h.client.request(RequestExport, { subjectId: bob.subjectId }, alice.ctx)).rejects.toMatchObject({ error: { code: 'auth.forbidden' } });
    const bobs = await h.client.request(RequestExport, { subjectId: bob.subjectId }, bob.ctx);
    await expect(h.client.request(GetExportRequest, { requestId: bobs.id }, alice.ctx)).rejects.toMatchObject({ error: { code: 'privacy.request_not_found' } });
    await expect(h.client.request(GetExportRequest, { requestId: randomUUID() }, officer)).rejects.toMatchObject({ error: { code: 'privacy.request_not_found' } });
    await completedExport(bobs.id, bob.ctx);
  });

  // Last: it moves the clock a week on.
  it('deletes a bundle 7 days after the export completed: it is sealed under the profile key, which retention keeps', async () => {
    const person = addPerson(h, tenantId);
    const done = await completedExport((await h.client.request(RequestExport, { subjectId: person.subjectId }, person.ctx)).id, person.ctx);
    const completedAt = h.clock.now;
    expect(done).toMatchObject({
      completedAt: completedAt.toISOString(),
      expiresAt: new Date(completedAt.getTime() + 7 * 86_400_000).toISOString(),
      bundle: expect.objectContaining({ subjectId: person.subjectId }),
    });

    h.clock.advance(7 * 86_400_000 - 1);
    await h.privacy.expireExportBundles();
    expect(await h.client.request(GetExportRequest, { requestId: done.id }, person.ctx)).toMatchObject({
      bundle: expect.objectContaining({ subjectId: person.subjectId }),
      expiresAt: done.expiresAt,
    });

    h.clock.advance(1);
    expect(await h.privacy.expireExportBundles()).toBeGreaterThanOrEqual(1);
    expect(await h.client.request(GetExportRequest, { requestId: done.id }, person.ctx)).toMatchObject({
      status: 'completed',
      completedAt: done.completedAt,
      bundle: null,
      expiresAt: null,
    });
    expect(h.logs).toContainEqual(expect.objectContaining({ msg: 'expired export bundles deleted', expired: expect.any(Number) }));
    // Deleted, not just hidden: with the clock back, there is still nothing to serve.
    h.clock.now = completedAt;
    expect(await h.client.request(GetExportRequest, { requestId: done.id }, person.ctx)).toMatchObject({ bundle: null, expiresAt: null });
  });
});
