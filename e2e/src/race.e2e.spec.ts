import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore } from '@plass/eventstore';
import { gatewayClient, OSLO, wallClock, type Answer } from './client.js';
import { startSystem, type System } from './system.js';

const CLIENTS = 50;
const SPACES = 5;
/** Per space a morning and an afternoon slot; the requests for one slot all overlap each other. */
const SLOTS = SPACES * 2;
const racers = Array.from({ length: CLIENTS }, (_, n) => ({ email: `racer${n}@race.example`, displayName: `Racer Number${n}`, role: 'employee' }));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

interface Interval {
  bookingId: string;
  spaceId: string;
  start: string;
  end: string;
}
const overlaps = (a: Interval, b: Interval) => Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

describe('50 clients racing for the same slots through the gateway', () => {
  let system: System;
  let spaceIds: string[];
  let tokens: string[];
  let answers: Array<{ slot: number; answer: Answer }>;

  beforeAll(async () => {
    system = await startSystem();
    const client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Race', racers);
    tokens = racers.map((racer) => tenant.users[racer.email]!.token);
    const office = await client.locationWithSpaces(
      tenant.adminToken,
      Array.from({ length: SPACES }, (_, n) => ({ name: `Hot desk ${n}`, kind: 'desk' })),
      { name: 'Race office' },
    );
    spaceIds = office.spaces.map((space) => space.id);

    // Client n wants slot n % SLOTS, shifted by a quarter hour per rival so no two requests are equal.
    const requests = tokens.map((token, n) => {
      const slot = n % SLOTS;
      const first = slot < SPACES ? 8 * 60 : 13 * 60;
      const shift = Math.floor(n / SLOTS) * 15;
      const body = {
        spaceId: spaceIds[slot % SPACES],
        start: wallClock(OSLO, system.bookingNow(), 2, hhmm(first + shift)),
        end: wallClock(OSLO, system.bookingNow(), 2, hhmm(first + shift + 180)),
      };
      return { slot, send: () => client.call('POST', '/v1/bookings', { token, body }) };
    });
    answers = await Promise.all(requests.map(async ({ slot, send }) => ({ slot, answer: await send() })));
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('confirms exactly one booking per slot and answers every loser 409', () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      const mine = answers.filter((entry) => entry.slot === slot).map((entry) => entry.answer);
      const outcome = mine.map((answer) => (answer.status === 201 ? 'won' : `${answer.status} ${String(answer.body.code)}`));
      expect({ slot, won: outcome.filter((o) => o === 'won').length }).toEqual({ slot, won: 1 });
      for (const lost of outcome.filter((o) => o !== 'won')) expect(['409 booking.conflict', '409 concurrency.conflict']).toContain(lost);
    }
  });

  it('keeps no two overlapping confirmed bookings of a space in the event store', async () => {
    await system.stop();
    const store = openSqliteEventStore({ file: join(system.dataDir, 'booking', 'events.db') });
    const events = await store.readAll();
    await store.close();
    const given = new Set(
      events.filter((event) => event.type === 'BookingCancelled' || event.type === 'BookingReleasedAsNoShow').map((event) => (event.data as Interval).bookingId),
    );
    const held = events
      .filter((event) => event.type === 'BookingConfirmed')
      .map((event) => event.data as Interval)
      .filter((booking) => !given.has(booking.bookingId));

    const winners = answers.filter(({ answer }) => answer.status === 201).map(({ answer }) => answer.body.id as string);
    expect(held.map((booking) => booking.bookingId).sort()).toEqual([...winners].sort());
    const clashes = held.flatMap((a, i) =>
      held
        .slice(i + 1)
        .filter((b) => a.spaceId === b.spaceId && overlaps(a, b))
        .map((b) => [a.bookingId, b.bookingId]),
    );
    expect(clashes).toEqual([]);
    expect(new Set(held.map((booking) => booking.spaceId))).toEqual(new Set(spaceIds));
  });
});
