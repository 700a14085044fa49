import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetErasureRequest,
  GetKeys,
  GetOrCreateKeys,
  KeysDestroyed,
  ListLegalHolds,
  ListPrivacyRequests,
  LiftLegalHold,
  PlaceLegalHold,
  ReadAuditLog,
  RequestErasure,
  RequestExport,
  type ErasureRequestView,
} from '@plass/contracts';
import { waitFor } from '@plass/testing';
import { addPerson, as, startPrivacyHarness, type PrivacyHarness } from './test-support/harness.js';

let h: PrivacyHarness;
const tenantId = randomUUID();
const officerId = randomUUID();
const officer = () => as(tenantId, officerId, 'privacy_officer');

beforeAll(async () => {
  h = await startPrivacyHarness();
});

afterAll(async () => {
  await h?.stop();
});

const status = (requestId: string) => h.client.request(GetErasureRequest, { requestId }, officer());
const reached = (requestId: string, wanted: ErasureRequestView['status']) =>
  waitFor(
    async () => {
      const view = await status(requestId);
      return view.status === wanted && view;
    },
    { what: `erasure ${requestId} to be ${wanted}` },
  );
const completed = (requestId: string) => reached(requestId, 'completed');

async function mintKeys(subjectId: string): Promise<string[]> {
  const { keys } = await h.client.request(
    GetOrCreateKeys,
    {
      scopes: [
        { subjectId, purpose: 'profile' },
        { subjectId, purpose: 'booking', period: '2030-03-04' },
      ],
    },
    as(tenantId, subjectId, 'employee'),
  );
  return keys.map((key) => ('kid' in key ? key.kid : ''));
}

async function auditOf(requestId: string) {
  const { items } = await h.client.request(
    ReadAuditLog,
    { from: new Date(h.clock.now.getTime() - 86_400_000).toISOString(), to: new Date(h.clock.now.getTime() + 86_400_000).toISOString() },
    officer(),
  );
  return items.filter((entry) => entry.requestId === requestId).map((entry) => `${entry.operation}:${entry.outcome}`);
}

describe('the erasure saga', () => {
  it('deactivates the user before it cancels their bookings, destroys the keys, collects every receipt and completes', async () => {
    const person = addPerson(h, tenantId);
    const kids = await mintKeys(person.subjectId);
    const broadcasts: string[][] = [];
    h.client.onBroadcast(KeysDestroyed, (message) => broadcasts.push(message.kids));
    await h.client.flush();

    const accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, person.ctx);
    const done = await completed(accepted.id);

    expect(accepted).toMatchObject({ status: 'pending', subjectId: person.subjectId, requestedAt: h.clock.now.toISOString(), dueAt: '2030-04-04T07:00:00.000Z', overdue: false });
    expect(done).toMatchObject({ status: 'completed', completedAt: h.clock.now.toISOString(), reason: null });
    expect(Object.keys(done.receipts).sort()).toEqual(['booking', 'identity', 'privacy']);
    const subject = person.subjectId;
    // The user cannot book once deactivated, so no booking appears between the cancellation and the keys' destruction.
    expect(h.calls.filter((call) => call.endsWith(subject)).slice(0, 2)).toEqual([`identity DeactivateSubject:${subject}`, `booking CancelSubjectBookings:${subject}`]);
    expect(h.booking.calls.filter((call) => call.endsWith(subject))).toEqual([`CancelSubjectBookings:${subject}`, `ForgetSubject:${subject}`]);
    expect(h.identity.calls.filter((call) => call.endsWith(subject))).toEqual([`DeactivateSubject:${subject}`, `ForgetSubject:${subject}`]);
    expect((await h.client.request(GetKeys, { kids }, officer())).keys.map((key) => key.key)).toEqual([null, null]);
    expect(await waitFor(() => broadcasts.find((batch) => batch.includes(kids[0]!)), { what: 'KeysDestroyed' })).toEqual(expect.arrayContaining(kids));
    expect(await auditOf(accepted.id)).toEqual(['erasure.requested:accepted', 'keys.destroyed:succeeded', 'erasure.completed:succeeded']);
  });

  it('answers the existing erasure to a second request, and refuses an export of the erased subject', async () => {
    const person = addPerson(h, tenantId);
    const first = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
    await completed(first.id);
    await h.settle();

    const again = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
    expect(again).toMatchObject({ id: first.id, status: 'completed' });
    await expect(h.client.request(RequestExport, { subjectId: person.subjectId }, officer())).rejects.toMatchObject({ error: { code: 'privacy.subject_erased' } });
    const { items } = await h.client.request(ListPrivacyRequests, { kind: 'erasure' }, officer());
    expect(items.filter((item) => item.subjectId === person.subjectId)).toEqual([expect.objectContaining({ id: first.id, status: 'completed', overdue: false })]);
  });

  it('refuses erasure while a legal hold is in force, with its reason (Art. 17(3)), and erases once it is lifted', async () => {
    const person = addPerson(h, tenantId);
    const kids = await mintKeys(person.subjectId);
    const hold = await h.client.request(PlaceLegalHold, { subjectId: person.subjectId, reason: 'litigation', reference: 'LG-2030/17' }, officer());
    expect(hold).toMatchObject({ subjectId: person.subjectId, reason: 'litigation', reference: 'LG-2030/17', placedAt: h.clock.now.toISOString() });
    expect((await h.client.request(ListLegalHolds, {}, officer())).items).toContainEqual(hold);

    const refused = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
    expect(refused).toMatchObject({ status: 'refused', reason: 'litigation', receipts: {}, completedAt: null });
    await h.settle();
    expect(await status(refused.id)).toMatchObject({ status: 'refused', reason: 'litigation' });
    expect([...h.booking.calls, ...h.identity.calls].filter((call) => call.endsWith(person.subjectId))).toEqual([]);
    expect((await h.client.request(GetKeys, { kids }, officer())).keys.every((key) => key.key !== null)).toBe(true);
    expect(await auditOf(refused.id)).toEqual(['erasure.requested:accepted', 'erasure.refused:refused']);

    await h.client.request(LiftLegalHold, { holdId: hold.id }, officer());
    await expect(h.client.request(LiftLegalHold, { holdId: hold.id }, officer())).rejects.toMatchObject({ error: { code: 'privacy.legal_hold_not_found' } });
    const accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
    expect(accepted.id).not.toBe(refused.id);
    await completed(accepted.id);
  });

  it('is refused by a legal hold placed while it waits to cancel the bookings, before anything is cancelled', async () => {
    const person = addPerson(h, tenantId);
    const kids = await mintKeys(person.subjectId);
    await h.booking.stop();
    let accepted: ErasureRequestView;
    try {
      accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
      await h.settle();
      expect(await status(accepted.id)).toMatchObject({ status: 'pending' });
      await h.client.request(PlaceLegalHold, { subjectId: person.subjectId, reason: 'regulatory_investigation', reference: '2030/99' }, officer());
    } finally {
      await h.booking.start();
    }
    await h.privacy.resumeSagas();

    expect(await status(accepted.id)).toMatchObject({ status: 'refused', reason: 'regulatory_investigation', completedAt: null });
    expect(h.calls.filter((call) => call.endsWith(person.subjectId))).toEqual([`identity DeactivateSubject:${person.subjectId}`]);
    expect((await h.client.request(GetKeys, { kids }, officer())).keys.every((key) => key.key !== null)).toBe(true);
    expect(await auditOf(accepted.id)).toEqual(['erasure.requested:accepted', 'erasure.refused:refused']);
    await h.settle();
    expect((await h.client.request(ListPrivacyRequests, { kind: 'erasure' }, officer())).items).toContainEqual(expect.objectContaining({ id: accepted.id, status: 'refused' }));
  });

  it('is refused by a legal hold placed while the bookings are cancelled, before the keys are destroyed', async () => {
    const person = addPerson(h, tenantId);
    const kids = await mintKeys(person.subjectId);
    h.booking.during.set('CancelSubjectBookings', async (subjectId) => {
      if (subjectId === person.subjectId) await h.client.request(PlaceLegalHold, { subjectId, reason: 'litigation', reference: '#4711' }, officer());
    });
    try {
      const accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
      expect(await reached(accepted.id, 'refused')).toMatchObject({ reason: 'litigation', completedAt: null });
      await h.settle();
      expect((await h.client.request(GetKeys, { kids }, officer())).keys.every((key) => key.key !== null)).toBe(true);
      expect(h.calls.filter((call) => call.endsWith(person.subjectId) && call.includes('ForgetSubject'))).toEqual([]);
    } finally {
      h.booking.during.delete('CancelSubjectBookings');
    }
  });

  it('completes once the keys are destroyed, and then refuses a legal hold: the subject is erased (410)', async () => {
    const person = addPerson(h, tenantId);
    let duringForget: Promise<unknown> | undefined;
    h.identity.during.set('ForgetSubject', async (subjectId) => {
      if (subjectId !== person.subjectId) return;
      await waitFor(async () => (await h.client.request(ListPrivacyRequests, { kind: 'erasure' }, officer())).items.some((item) => item.subjectId === subjectId), {
        what: 'the erasure in the read model',
      });
      duringForget = h.client.request(PlaceLegalHold, { subjectId, reason: 'litigation', reference: '2030/18' }, officer()).catch((error: unknown) => error);
      await duringForget;
    });
    let accepted: ErasureRequestView;
    try {
      accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
      await completed(accepted.id);
    } finally {
      h.identity.during.delete('ForgetSubject');
    }
    expect(await duringForget).toMatchObject({ error: { code: 'privacy.subject_erased' } });

    await h.settle();
    await expect(h.client.request(PlaceLegalHold, { subjectId: person.subjectId, reason: 'litigation' }, officer())).rejects.toMatchObject({
      error: { code: 'privacy.subject_erased' },
    });
    expect((await h.client.request(ListLegalHolds, {}, officer())).items.filter((hold) => hold.subjectId === person.subjectId)).toEqual([]);
  });

  it('stays pending while a participant is down, overdue after a month, and completes once it is back', async () => {
    const person = addPerson(h, tenantId);
    await h.booking.stop();
    let accepted: ErasureRequestView;
    try {
      accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
      await h.settle();
      expect(await status(accepted.id)).toMatchObject({ status: 'pending', receipts: {} });
      expect(h.calls.filter((call) => call.endsWith(person.subjectId))).toEqual([`identity DeactivateSubject:${person.subjectId}`]);

      h.clock.advance(32 * 86_400_000);
      expect(await status(accepted.id)).toMatchObject({ status: 'pending', overdue: true });
      const { items } = await h.client.request(ListPrivacyRequests, { overdue: true }, officer());
      expect(items.map((item) => item.id)).toContain(accepted.id);
      expect((await h.client.request(ListPrivacyRequests, { overdue: false }, officer())).items.map((item) => item.id)).not.toContain(accepted.id);
    } finally {
      await h.booking.start();
    }

    expect(await h.privacy.resumeSagas()).toBeGreaterThanOrEqual(1);
    expect(await completed(accepted.id)).toMatchObject({ overdue: false });
  });

  it('resumes a pending erasure after the privacy service restarts', async () => {
    const person = addPerson(h, tenantId);
    await h.booking.stop();
    let accepted: ErasureRequestView;
    try {
      accepted = await h.client.request(RequestErasure, { subjectId: person.subjectId }, officer());
      await h.settle();
      expect(await status(accepted.id)).toMatchObject({ status: 'pending', receipts: {} });
    } finally {
      await h.booking.start();
    }
    await h.restart();

    const done = await completed(accepted.id);
    expect(Object.keys(done.receipts).sort()).toEqual(['booking', 'identity', 'privacy']);
    expect(h.identity.calls.filter((call) => call.endsWith(person.subjectId))).toEqual([`DeactivateSubject:${person.subjectId}`, `ForgetSubject:${person.subjectId}`]);
  });
});

describe('who may ask for an erasure', () => {
  it('lets employees erase themselves only, and shows a request only to its requester, its subject and officers', async () => {
    const alice = addPerson(h, tenantId);
    const bob = addPerson(h, tenantId);
    await h.booking.stop();
    try {
      await expect(h.client.request(RequestErasure, { subjectId: bob.subjectId }, alice.ctx)).rejects.toMatchObject({ error: { code: 'auth.forbidden' } });
      await expect(h.client.request(RequestErasure, { subjectId: randomUUID() }, officer())).rejects.toMatchObject({ error: { code: 'user.not_found' } });
      const foreign = addPerson(h, randomUUID());
      await expect(h.client.request(RequestErasure, { subjectId: foreign.subjectId }, officer())).rejects.toMatchObject({ error: { code: 'user.not_found' } });

      const request = await h.client.request(RequestErasure, { subjectId: bob.subjectId }, as(tenantId, randomUUID(), 'admin'));
      expect(await h.client.request(GetErasureRequest, { requestId: request.id }, bob.ctx)).toMatchObject({ id: request.id });
      for (const ctx of [alice.ctx, as(tenantId, randomUUID(), 'analyst'), as(randomUUID(), officerId, 'privacy_officer')]) {
        await expect(h.client.request(GetErasureRequest, { requestId: request.id }, ctx)).rejects.toMatchObject({ error: { code: 'privacy.request_not_found' } });
      }
      await expect(h.client.request(ListPrivacyRequests, {}, alice.ctx)).rejects.toMatchObject({ error: { code: 'auth.forbidden' } });
      await expect(h.client.request(PlaceLegalHold, { subjectId: bob.subjectId, reason: 'litigation' }, alice.ctx)).rejects.toMatchObject({ error: { code: 'auth.forbidden' } });
    } finally {
      await h.booking.start();
    }
    await h.privacy.resumeSagas();
  });
});
