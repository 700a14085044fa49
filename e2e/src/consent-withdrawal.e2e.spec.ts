import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

/** GDPR Art. 7(3): a person withdraws their acknowledgement of the privacy policy as easily as they gave it. */
describe('withdrawing the privacy-policy acknowledgement', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let dpo: string;
  let person: { id: string; token: string };
  let desk: string;

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Consent', [
      { email: 'per@consent.example', displayName: 'Per Consent', role: 'employee' },
      { email: 'dpo@consent.example', displayName: 'Dora Officer', role: 'privacy_officer' },
    ]);
    admin = tenant.adminToken;
    person = tenant.users['per@consent.example']!;
    dpo = tenant.users['dpo@consent.example']!.token;
    desk = (await client.locationWithSpaces(admin, [{ name: 'Desk', kind: 'desk' }])).spaces[0]!.id;
    expect((await call('PUT', '/v1/privacy/policy', admin, { version: '2026-12', text: 'How we use your data', requireAcknowledgement: true })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('stops bookings until the person acknowledges again, and the audit log records it', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    expect((await call('POST', '/v1/privacy/policy/acknowledgements', person.token, { version: '2026-12' })).status).toBe(201);
    const booked = await waitFor(
      async () => {
        const answer = await call('POST', '/v1/bookings', person.token, { spaceId: desk, start: at(1, '09:00'), end: at(1, '10:00') });
        return answer.status === 201 ? answer : undefined;
      },
      { what: 'a booking once acknowledged' },
    );
    expect(booked.status).toBe(201);

    expect((await call('DELETE', '/v1/privacy/policy/acknowledgements/current', person.token)).status).toBe(204);
    const again = await call('DELETE', '/v1/privacy/policy/acknowledgements/current', person.token);
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 404, code: 'privacy.acknowledgement_not_found' });

    const refused = await waitFor(
      async () => {
        const answer = await call('POST', '/v1/bookings', person.token, { spaceId: desk, start: at(2, '09:00'), end: at(2, '10:00') });
        return answer.status === 422 ? answer : undefined;
      },
      { what: 'bookings refused after the withdrawal' },
    );
    expect(refused.body.code).toBe('privacy.policy_not_acknowledged');
    const unacknowledged = await call('GET', '/v1/privacy/policy/unacknowledged', admin);
    expect(JSON.stringify(unacknowledged.body)).toContain(person.id);

    const log = await call('GET', `/v1/privacy/audit-log?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, dpo);
    expect((log.body.items as Array<{ operation: string; subjectId?: string }>).filter((entry) => entry.operation === 'policy.acknowledgement_withdrawn')).toEqual([
      expect.objectContaining({ subjectId: person.id, outcome: 'succeeded' }),
    ]);

    expect((await call('POST', '/v1/privacy/policy/acknowledgements', person.token, { version: '2026-12' })).status).toBe(201);
    const rebooked = await waitFor(
      async () => {
        const answer = await call('POST', '/v1/bookings', person.token, { spaceId: desk, start: at(2, '09:00'), end: at(2, '10:00') });
        return answer.status === 201 ? answer : undefined;
      },
      { what: 'a booking once acknowledged again' },
    );
    expect(rebooked.status).toBe(201);
  }, 60_000);
});
