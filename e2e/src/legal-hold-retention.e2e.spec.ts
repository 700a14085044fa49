import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

const DAY = 24 * 60 * 60_000;

/** A legal hold (Art. 17(3)) keeps a person's bookings from retention as it keeps them from erasure. */
describe('legal holds stop retention', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let held: { id: string; token: string };
  let other: { id: string; token: string };
  let desks: string[];

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
  const bookerOf = async (id: string) => (await call('GET', `/v1/bookings/${id}`, admin)).body.bookedBy;

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Hold', [
      { email: 'held@hold.example', displayName: 'Held Person', role: 'employee' },
      { email: 'other@hold.example', displayName: 'Other Person', role: 'employee' },
    ]);
    admin = tenant.adminToken;
    held = tenant.users['held@hold.example']!;
    other = tenant.users['other@hold.example']!;
    desks = (
      await client.locationWithSpaces(
        admin,
        [1, 2].map((n) => ({ name: `Desk ${n}`, kind: 'desk' })),
      )
    ).spaces.map((space) => space.id);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('keeps the held person’s bookings readable through retention until the hold is lifted', async () => {
    const mine = await call('POST', '/v1/bookings', held.token, { spaceId: desks[0], start: at(1, '09:00'), end: at(1, '10:00') });
    const theirs = await call('POST', '/v1/bookings', other.token, { spaceId: desks[1], start: at(1, '09:00'), end: at(1, '10:00') });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const until = new Date(Date.now() + 30 * DAY).toISOString();
    const hold = await call('POST', '/v1/privacy/legal-holds', admin, { subjectId: held.id, reason: 'statutory_retention', until });
    expect(hold.body).toMatchObject({ subjectId: held.id, until });
    expect((await call('PATCH', '/v1/settings/privacy', admin, { anonymizeBookingsAfterDays: 1 })).status).toBe(200);

    system.advanceBookingClock(5 * DAY);
    try {
      await system.booking.runRetention();
      expect(await bookerOf(mine.body.id as string)).toBe(held.id);
      expect(await bookerOf(theirs.body.id as string)).toBeNull();

      expect((await call('DELETE', `/v1/privacy/legal-holds/${hold.body.id as string}`, admin)).status).toBe(204);
      const round = await system.booking.runRetention();
      expect(round.destroyedKeys).toBeGreaterThan(0);
      expect(await bookerOf(mine.body.id as string)).toBeNull();
    } finally {
      system.advanceBookingClock(-5 * DAY);
    }
  }, 60_000);

  it('refuses a hold whose end has passed already', async () => {
    const answer = await call('POST', '/v1/privacy/legal-holds', admin, { subjectId: other.id, reason: 'litigation', until: new Date(Date.now() - 1000).toISOString() });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'validation.failed' });
  });
});
