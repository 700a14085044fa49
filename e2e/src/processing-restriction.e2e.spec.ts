import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

/** GDPR Art. 18 and 21: a person's data is kept but not processed for bookings while restricted. */
describe('restriction of processing and objection', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let dpo: string;
  let person: { id: string; token: string };
  let desks: string[];

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
  const book = (token: string, desk: number, day: number, extra: Record<string, unknown> = {}) =>
    call('POST', '/v1/bookings', token, { spaceId: desks[desk], start: at(day, '09:00'), end: at(day, '10:00'), ...extra });

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Restrict', [
      { email: 'ola@restrict.example', displayName: 'Ola Objector', role: 'employee' },
      { email: 'dpo@restrict.example', displayName: 'Dina Officer', role: 'privacy_officer' },
    ]);
    admin = tenant.adminToken;
    person = tenant.users['ola@restrict.example']!;
    dpo = tenant.users['dpo@restrict.example']!.token;
    desks = (
      await client.locationWithSpaces(
        admin,
        [1, 2, 3].map((n) => ({ name: `Desk ${n}`, kind: 'desk' })),
      )
    ).spaces.map((space) => space.id);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('an objection is in force once answered: no booking by or for the person, their data kept, shown in export and audit log', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const kept = await book(person.token, 0, 1);
    expect(kept.status).toBe(201);

    const objected = await call('POST', '/v1/privacy/restrictions', person.token, { ground: 'objection' });
    expect(objected.status).toBe(201);
    expect(objected.body).toMatchObject({ subjectId: person.id, ground: 'objection', placedBy: person.id });
    const restrictionId = objected.body.id as string;

    // No waiting: a 201 means booking applies it.
    const own = await book(person.token, 1, 2);
    expect({ status: own.status, code: own.body.code }).toEqual({ status: 422, code: 'privacy.processing_restricted' });
    const onBehalf = await book(admin, 2, 2, { onBehalfOf: person.id });
    expect({ status: onBehalf.status, code: onBehalf.body.code }).toEqual({ status: 422, code: 'privacy.processing_restricted' });
    // Kept, not erased: the booking made before is still theirs.
    expect((await call('GET', `/v1/bookings/${kept.body.id as string}`, admin)).body.bookedBy).toBe(person.id);

    expect((await call('GET', '/v1/privacy/restrictions', person.token)).body.items).toEqual([expect.objectContaining({ id: restrictionId })]);
    expect((await call('GET', '/v1/privacy/restrictions', dpo)).body.items).toEqual([expect.objectContaining({ id: restrictionId, subjectId: person.id })]);

    const exported = await call('POST', '/v1/privacy/export-requests', person.token, { subjectId: person.id });
    expect(exported.status).toBe(202);
    const bundle = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/privacy/export-requests/${exported.body.id as string}`, person.token);
        return answer.body.status === 'completed' ? (answer.body.bundle as Record<string, unknown>) : undefined;
      },
      { what: 'the export to complete' },
    );
    expect(bundle.restrictions).toEqual([expect.objectContaining({ id: restrictionId, ground: 'objection' })]);

    // The person may withdraw their own restriction, but not decide the controller's grounds.
    const overriding = await call('DELETE', `/v1/privacy/restrictions/${restrictionId}?reason=compelling_grounds`, person.token);
    expect({ status: overriding.status, code: overriding.body.code }).toEqual({ status: 403, code: 'auth.forbidden' });
    const badReason = await call('DELETE', `/v1/privacy/restrictions/${restrictionId}?reason=because`, dpo);
    expect({ status: badReason.status, code: badReason.body.code }).toEqual({ status: 400, code: 'validation.failed' });

    expect((await call('DELETE', `/v1/privacy/restrictions/${restrictionId}?reason=compelling_grounds`, dpo)).status).toBe(204);
    const again = await call('DELETE', `/v1/privacy/restrictions/${restrictionId}?reason=compelling_grounds`, dpo);
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 404, code: 'privacy.restriction_not_found' });
    expect((await book(person.token, 1, 2)).status).toBe(201);

    const log = await call('GET', `/v1/privacy/audit-log?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, dpo);
    const entries = (log.body.items as Array<{ operation: string; subjectId?: string; details?: Record<string, unknown> }>).filter((entry) =>
      entry.operation.startsWith('processing.'),
    );
    expect(entries).toEqual([
      expect.objectContaining({ operation: 'processing.restricted', subjectId: person.id, details: { restrictionId, ground: 'objection' } }),
      expect.objectContaining({ operation: 'processing.restriction_lifted', subjectId: person.id, details: { restrictionId, reason: 'compelling_grounds' } }),
    ]);
  }, 60_000);

  it('an officer restricts on the person’s request; an employee cannot restrict someone else', async () => {
    const other = await call('POST', '/v1/privacy/restrictions', person.token, { subjectId: '00000000-0000-4000-8000-000000000001', ground: 'accuracy_contested' });
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 403, code: 'auth.forbidden' });
    const unknown = await call('POST', '/v1/privacy/restrictions', dpo, { subjectId: '00000000-0000-4000-8000-000000000001', ground: 'accuracy_contested' });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'user.not_found' });
    const placed = await call('POST', '/v1/privacy/restrictions', dpo, { subjectId: person.id, ground: 'accuracy_contested' });
    expect(placed.status).toBe(201);
    expect((await book(person.token, 2, 3)).body.code).toBe('privacy.processing_restricted');
    expect((await call('DELETE', `/v1/privacy/restrictions/${placed.body.id as string}?reason=withdrawn_by_subject`, person.token)).status).toBe(204);
    expect((await book(person.token, 2, 3)).status).toBe(201);
  }, 60_000);
});
