import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore, type RecordedEvent } from '@plass/eventstore';
import { gatewayClient, OSLO, wallClock, type Answer } from './client.js';
import { startSystem, type System } from './system.js';

const CLIENTS = 50;
const racers = Array.from({ length: CLIENTS }, (_, n) => ({ email: `racer${n}@edit-race.example`, displayName: `Racer Number${n}`, role: 'employee' }));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

interface Held {
  bookingId: string;
  spaceId: string;
  start: string;
  end: string;
}
const overlaps = (a: Held, b: Held) => Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

/** Every booking still holding its space, as the booking streams in the event store tell it: confirmed, moved by edits, given back. */
function heldBookings(events: RecordedEvent[]): Map<string, Held> {
  const held = new Map<string, Held>();
  for (const event of events) {
    const data = event.data as Held;
    if (event.type === 'BookingConfirmed' || event.type === 'BookingRescheduled') {
      held.set(data.bookingId, { bookingId: data.bookingId, spaceId: data.spaceId, start: data.start, end: data.end });
    } else if (event.type === 'BookingCancelled' || event.type === 'BookingReleasedAsNoShow') {
      held.delete(data.bookingId);
    }
  }
  return held;
}

/**
 * Half the clients move a booking of theirs into one contested slot (PATCH), the other half create
 * a daily series whose first occurrence overlaps it; every request overlaps every other.
 */
describe('50 clients editing bookings into one slot and creating series over it, through the gateway', () => {
  let system: System;
  let target: string;
  let home: string;
  let own: Map<number, Held>;
  let answers: Array<{ n: number; kind: 'edit' | 'series'; answer: Answer }>;
  let events: RecordedEvent[];
  const at = (days: number, minutes: number) => wallClock(OSLO, system.bookingNow(), days, hhmm(minutes));

  beforeAll(async () => {
    system = await startSystem();
    const client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'EditRace', racers);
    const tokens = racers.map((racer) => tenant.users[racer.email]!.token);
    const office = await client.locationWithSpaces(tenant.adminToken, [
      { name: 'Contested desk', kind: 'desk' },
      { name: 'Home desk', kind: 'desk' },
    ]);
    [target, home] = office.spaces.map((space) => space.id) as [string, string];

    // The editors (even n) each hold a 20-minute slot of the home desk the day after the contested one.
    own = new Map();
    for (let n = 0; n < CLIENTS; n += 2) {
      const made = await client.call('POST', '/v1/bookings', { token: tokens[n]!, body: { spaceId: home, start: at(3, 8 * 60 + 10 * n), end: at(3, 8 * 60 + 10 * n + 20) } });
      if (made.status !== 201) throw new Error(`an editor's own booking failed: ${made.status} ${JSON.stringify(made.body)}`);
      const view = made.body as unknown as { id: string; spaceId: string; start: string; end: string };
      own.set(n, { bookingId: view.id, spaceId: view.spaceId, start: view.start, end: view.end });
    }
    // A minute apart, two hours long: every request overlaps every other.
    const requests = tokens.map((token, n) => {
      const slot = { spaceId: target, start: at(2, 10 * 60 + n), end: at(2, 12 * 60 + n) };
      if (n % 2 === 0) {
        const bookingId = own.get(n)!.bookingId;
        return { n, kind: 'edit' as const, send: () => client.call('PATCH', `/v1/bookings/${bookingId}`, { token, body: slot }) };
      }
      const body = { ...slot, recurrence: { frequency: 'daily', count: 2 } };
      return { n, kind: 'series' as const, send: () => client.call('POST', '/v1/bookings/series', { token, body }) };
    });
    answers = await Promise.all(requests.map(async ({ n, kind, send }) => ({ n, kind, answer: await send() })));
    await system.stop();
    const store = openSqliteEventStore({ file: join(system.dataDir, 'booking', 'events.db') });
    events = await store.readAll();
    await store.close();
  }, 240_000);

  afterAll(() => system?.remove());

  it('lets exactly one request have the slot and refuses every other with 409', () => {
    const won = answers.filter(({ answer }) => answer.status === 200 || answer.status === 201);
    expect(won).toHaveLength(1);
    for (const { kind, answer } of answers.filter((entry) => !won.includes(entry))) {
      const allowed = kind === 'edit' ? ['409 booking.conflict', '409 concurrency.conflict'] : ['409 booking.series_refused', '409 concurrency.conflict'];
      expect(allowed).toContain(`${answer.status} ${String(answer.body.code)}`);
    }
  });

  it('keeps exactly one holder of the slot and no two overlapping bookings of a space in the event store', () => {
    const held = [...heldBookings(events).values()];
    const contested = { bookingId: '', spaceId: target, start: at(2, 10 * 60), end: at(2, 12 * 60 + CLIENTS) };
    expect(held.filter((booking) => booking.spaceId === target && overlaps(booking, contested))).toHaveLength(1);
    const clashes = held.flatMap((a, i) =>
      held
        .slice(i + 1)
        .filter((b) => a.spaceId === b.spaceId && overlaps(a, b))
        .map((b) => [a.bookingId, b.bookingId]),
    );
    expect(clashes).toEqual([]);
  });

  it('leaves every losing editor’s booking where it was, and no occurrence of a losing series', () => {
    const held = heldBookings(events);
    const winner = answers.find(({ answer }) => answer.status === 200 || answer.status === 201)!;
    for (const [n, booking] of own) {
      if (winner.kind === 'edit' && winner.n === n) {
        expect(held.get(booking.bookingId)).toMatchObject({ spaceId: target });
        continue;
      }
      expect(held.get(booking.bookingId)).toEqual({ bookingId: booking.bookingId, spaceId: home, start: booking.start, end: booking.end });
    }
    // The editors' bookings, plus both occurrences of the winning series if a series won.
    const confirmed = events.filter((event) => event.type === 'BookingConfirmed');
    expect(confirmed).toHaveLength(own.size + (winner.kind === 'series' ? 2 : 0));
  });
});
