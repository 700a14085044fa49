import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

type Client = ReturnType<typeof gatewayClient>;
type Tenant = Awaited<ReturnType<Client['tenantWith']>>;
interface Occurrence {
  status: string;
  start: string;
  end: string;
  bookingId?: string;
  code?: string;
}

const SUBJECT = 'Standup with Per Olsen';

describe('recurring bookings through the gateway', () => {
  let system: System;
  let client: Client;
  let tenant: Tenant;
  let desks: string[];
  const anna = { email: 'anna.series@fjell.example', displayName: 'Anna Series', role: 'employee' };
  const bjorn = { email: 'bjorn.series@fjell.example', displayName: 'Bjorn Series', role: 'employee' };
  const token = (who: { email: string }) => tenant.users[who.email]!.token;
  const call = (method: string, path: string, bearer: string, body?: unknown, headers?: Record<string, string>) =>
    client.call(method, path, { token: bearer, body, ...(headers ? { headers } : {}) });
  /** Local wall-clock time in Oslo, `days` local days after the booking service's today. */
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
  const daily = (spaceId: string, extra: Record<string, unknown> = {}) => ({
    spaceId,
    start: at(2, '09:00'),
    end: at(2, '10:00'),
    subject: SUBJECT,
    recurrence: { frequency: 'daily', count: 3 },
    ...extra,
  });

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    tenant = await client.tenantWith(system.operatorToken, 'Serien', [anna, bjorn]);
    desks = (
      await client.locationWithSpaces(tenant.adminToken, [
        { name: 'Desk A', kind: 'desk' },
        { name: 'Desk B', kind: 'desk' },
      ])
    ).spaces.map((space) => space.id);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('answers a series with a taken day as 409 booking.series_refused listing every occurrence, and books nothing', async () => {
    const taken = await call('POST', '/v1/bookings', token(bjorn), { spaceId: desks[0], start: at(3, '09:30'), end: at(3, '10:30') });
    expect(taken.status).toBe(201);
    const refused = await call('POST', '/v1/bookings/series', token(anna), daily(desks[0]!));
    expect({ status: refused.status, code: refused.body.code, type: refused.headers.get('content-type') }).toEqual({
      status: 409,
      code: 'booking.series_refused',
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect((refused.body.occurrences as Occurrence[]).map((o) => o.code ?? o.status)).toEqual(['bookable', 'booking.conflict', 'bookable']);
    const mine = await call('GET', `/v1/bookings?from=${encodeURIComponent(at(0, '00:00'))}&to=${encodeURIComponent(at(10, '00:00'))}`, token(anna));
    expect(mine.body.items).toEqual([]);
  });

  it('books the occurrences that fit when partial, under an Idempotency-Key, and cancels the series', async () => {
    const key = randomUUID();
    const made = await call('POST', '/v1/bookings/series', token(anna), daily(desks[0]!, { partial: true }), { 'idempotency-key': key });
    expect(made.status).toBe(201);
    const occurrences = made.body.occurrences as Occurrence[];
    expect(occurrences.map((o) => o.code ?? o.status)).toEqual(['confirmed', 'booking.conflict', 'confirmed']);
    expect(made.headers.get('location')).toBe(`/v1/bookings/series/${made.body.id as string}`);
    const again = await call('POST', '/v1/bookings/series', token(anna), daily(desks[0]!, { partial: true }), { 'idempotency-key': key });
    expect({ status: again.status, body: again.body, replayed: again.headers.get('idempotency-replayed') }).toEqual({ status: 201, body: made.body, replayed: 'true' });

    const first = occurrences[0]!.bookingId!;
    const read = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/bookings/${first}`, token(anna));
        return answer.status === 200 ? answer.body : undefined;
      },
      { what: 'the occurrence in the read model' },
    );
    expect(read).toMatchObject({ id: first, subject: SUBJECT, status: 'confirmed' });
    expect((await call('DELETE', `/v1/bookings/series/${made.body.id as string}`, token(bjorn))).body.code).toBe('booking.series_not_found');

    const cancelled = await call('DELETE', `/v1/bookings/series/${made.body.id as string}`, token(anna));
    expect({ status: cancelled.status, statuses: (cancelled.body.occurrences as Occurrence[]).map((o) => o.status) }).toEqual({
      status: 200,
      statuses: ['cancelled', 'cancelled'],
    });
    expect((await call('POST', '/v1/bookings', token(bjorn), { spaceId: desks[0], start: at(2, '09:00'), end: at(2, '10:00') })).status).toBe(201);
  });

  it('answers a malformed recurrence with 400 validation.failed, never 5xx', async () => {
    for (const recurrence of [
      { frequency: 'hourly', count: 2 },
      { frequency: 'daily' },
      { frequency: 'daily', count: 367 },
      { frequency: 'weekly', byWeekday: [0], count: 2 },
      'daily',
    ]) {
      const answer = await call('POST', '/v1/bookings/series', token(anna), { ...daily(desks[1]!), recurrence });
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'validation.failed' });
    }
  });

  it('keeps no booker id, subject or name in clear under the booking data dir', async () => {
    await system.booking.settled();
    expect(scanForPlaintext(join(system.dataDir, 'booking'), [tenant.users[anna.email]!.id, tenant.users[bjorn.email]!.id, SUBJECT, 'Anna Series'])).toEqual([]);
  });
});
