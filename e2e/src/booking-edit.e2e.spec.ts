import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BookingView } from '@plass/contracts';
import { waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock, type Answer } from './client.js';
import { startSystem, type System } from './system.js';

const person = (first: string) => ({ email: `${first.toLowerCase()}@edit.example`, displayName: `${first} Edit`, role: 'employee' });
const anna = person('Anna');
const bjorn = person('Bjorn');

describe('editing a booking through the gateway', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let tenant: Awaited<ReturnType<ReturnType<typeof gatewayClient>['tenantWith']>>;
  let desks: string[];

  const token = (who: { email: string }) => tenant.users[who.email]!.token;
  const call = (method: string, path: string, bearer: string, body?: unknown, headers?: Record<string, string>) =>
    client.call(method, path, { token: bearer, body, ...(headers ? { headers } : {}) });
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
  const refused = (answer: Answer, status: number, code: string) => expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    tenant = await client.tenantWith(system.operatorToken, 'Edit', [anna, bjorn]);
    const hq = await client.locationWithSpaces(
      tenant.adminToken,
      [1, 2].map((n) => ({ name: `Desk ${n}`, kind: 'desk', floor: '1' })),
      { name: 'Edit HQ' },
    );
    desks = hq.spaces.map((space) => space.id);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('moves a booking under If-Match: the ETag moves on, a stale one is 412, the old slot is free and the new one taken', async () => {
    const made = await call('POST', '/v1/bookings', token(anna), { spaceId: desks[0], start: at(2, '09:00'), end: at(2, '10:00') });
    expect(made.status).toBe(201);
    const booking = made.body as unknown as BookingView;
    const read = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/bookings/${booking.id}`, token(anna));
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'the booking in the read model' },
    );
    expect(read.headers.get('etag')).toBe('"0"');

    const moved = await call('PATCH', `/v1/bookings/${booking.id}`, token(anna), { start: at(2, '11:00'), end: at(2, '12:00'), spaceId: desks[1] }, { 'if-match': '"0"' });
    expect({ status: moved.status, etag: moved.headers.get('etag'), body: moved.body }).toMatchObject({
      status: 200,
      etag: '"1"',
      body: { id: booking.id, spaceId: desks[1], start: new Date(at(2, '11:00')).toISOString(), version: 1 },
    });
    refused(await call('PATCH', `/v1/bookings/${booking.id}`, token(anna), { end: at(2, '12:30') }, { 'if-match': '"0"' }), 412, 'booking.version_mismatch');
    refused(await call('PATCH', `/v1/bookings/${booking.id}`, token(anna), { end: at(2, '12:30') }, { 'if-match': 'yesterday' }), 400, 'validation.failed');
    refused(await call('PATCH', `/v1/bookings/${booking.id}`, token(bjorn), { end: at(2, '12:30') }), 403, 'auth.forbidden');

    expect((await call('POST', '/v1/bookings', token(bjorn), { spaceId: desks[0], start: at(2, '09:00'), end: at(2, '10:00') })).status).toBe(201);
    refused(await call('POST', '/v1/bookings', token(bjorn), { spaceId: desks[1], start: at(2, '11:30'), end: at(2, '12:30') }), 409, 'booking.conflict');
    await waitFor(async () => (await call('GET', `/v1/bookings/${booking.id}`, token(anna))).headers.get('etag') === '"1"', { what: 'the edit in the read model' });
  });
});
