import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

const DAY = 24 * 60 * 60_000;
const ROUNDS = 8;

/**
 * A tenant's settings are in force once the PATCH has answered: every later read and decision, on
 * whichever of two booking replicas NATS hands it to, applies the new value.
 */
describe('settings in force once saved, with two booking replicas', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let anna: { id: string; token: string };
  let bjorn: { id: string; token: string };
  let desks: string[];

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
  const window = () => `from=${encodeURIComponent(at(0, '00:00'))}&to=${encodeURIComponent(at(30, '00:00'))}`;
  const bookers = async (spaceId: string, token: string) =>
    ((await call('GET', `/v1/spaces/${spaceId}/bookings?${window()}`, token)).body.items as Array<{ booker: string | null }>).map((slot) => slot.booker);

  beforeAll(async () => {
    system = await startSystem({ extraBookingReplicas: 1 });
    client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Fonn', [
      { email: 'anna@fonn.example', displayName: 'Anna Fonn', role: 'employee' },
      { email: 'bjorn@fonn.example', displayName: 'Bjorn Fonn', role: 'employee' },
    ]);
    admin = tenant.adminToken;
    anna = tenant.users['anna@fonn.example']!;
    bjorn = tenant.users['bjorn@fonn.example']!;
    const place = await client.locationWithSpaces(
      admin,
      [1, 2].map((n) => ({ name: `Desk ${n}`, kind: 'desk' })),
    );
    desks = place.spaces.map((space) => space.id);
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('applies bookingVisibility to the very next read', async () => {
    const booked = await call('POST', '/v1/bookings', anna.token, { spaceId: desks[0], start: at(1, '09:00'), end: at(1, '10:00') });
    expect(booked.status).toBe(201);
    expect((await call('PATCH', '/v1/settings/privacy', admin, { bookingVisibility: 'everyone' })).status).toBe(200);
    await waitFor(async () => (await bookers(desks[0]!, bjorn.token))[0] === 'Anna Fonn', { what: "Anna's name known to booking" });

    const seen: Array<string | null | undefined> = [];
    for (let round = 0; round < ROUNDS; round++) {
      expect((await call('PATCH', '/v1/settings/privacy', admin, { bookingVisibility: 'nobody' })).status).toBe(200);
      seen.push((await bookers(desks[0]!, bjorn.token))[0]);
      expect((await call('PATCH', '/v1/settings/privacy', admin, { bookingVisibility: 'everyone' })).status).toBe(200);
      seen.push((await bookers(desks[0]!, bjorn.token))[0]);
    }

    expect(seen).toEqual(Array.from({ length: ROUNDS }, () => [null, 'Anna Fonn']).flat());
  }, 60_000);

  it('judges the very next booking by the policy just saved', async () => {
    const outcomes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const day = 2 + round;
      expect((await call('PATCH', '/v1/settings/booking-policy', admin, { maxDurationMinutes: 60 })).status).toBe(200);
      outcomes.push((await call('POST', '/v1/bookings', bjorn.token, { spaceId: desks[1], start: at(day, '09:00'), end: at(day, '11:00') })).status);
      expect((await call('PATCH', '/v1/settings/booking-policy', admin, { maxDurationMinutes: 600 })).status).toBe(200);
      outcomes.push((await call('POST', '/v1/bookings', bjorn.token, { spaceId: desks[1], start: at(day, '12:00'), end: at(day, '14:00') })).status);
    }

    expect(outcomes).toEqual(Array.from({ length: ROUNDS }, () => [422, 201]).flat());
  }, 60_000);

  it('runs retention by the setting just saved', async () => {
    const booked = await call('POST', '/v1/bookings', anna.token, { spaceId: desks[0], start: at(1, '12:00'), end: at(1, '13:00') });
    expect(booked.status).toBe(201);
    const id = booked.body.id as string;
    system.advanceBookingClock(5 * DAY);
    try {
      expect((await call('PATCH', '/v1/settings/privacy', admin, { anonymizeBookingsAfterDays: 2 })).status).toBe(200);
      const round = await system.booking.runRetention();

      expect(round.destroyedKeys).toBeGreaterThan(0);
      const read = await call('GET', `/v1/bookings/${id}`, admin);
      expect(read.body).toMatchObject({ bookedBy: null, redacted: expect.arrayContaining(['bookedBy']) });
    } finally {
      system.advanceBookingClock(-5 * DAY);
    }
  }, 60_000);
});
