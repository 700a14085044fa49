import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_BOOKING_POLICY, type BookingView, type SlotView } from '@plass/contracts';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { gatewayClient, isoWeekday, localDate, OSLO, wallClock, type Answer } from './client.js';
import { startSystem, type System } from './system.js';

const MINUTE = 60_000;

/** Retries assertions until they pass (eventually consistent reads), failing with the last one's message. */
const eventually = (assertion: () => Promise<void> | void, what = 'the assertion to hold') =>
  waitFor(
    async () => {
      await assertion();
      return true;
    },
    { what },
  );
const person = (first: string, last: string) => ({
  email: `${first.toLowerCase()}.${last.toLowerCase()}@fjell.example`,
  displayName: `${first} ${last}`,
  role: 'employee',
});
const anna = person('Anna', 'Dahl');
const bjorn = person('Bjorn', 'Haug');
const carl = person('Carl', 'Moen');
const dina = person('Dina', 'Vik');
const eli = person('Eli', 'Strand');
const frode = person('Frode', 'Lie');
const gro = person('Gro', 'Bakke');
const hans = person('Hans', 'Tveit');
const ida = person('Ida', 'Lund');
const jon = person('Jon', 'Aas');
const kai = person('Kai', 'Berge');
const live = person('Live', 'Sand');
const mats = person('Mats', 'Foss');
const nora = person('Nora', 'Holm');
const everyone = [anna, bjorn, carl, dina, eli, frode, gro, hans, ida, jon, kai, live, mats, nora];
const subjects = ['Quarterly review with Per Olsen', 'Onboarding for Sigrid Nes'];

type Client = ReturnType<typeof gatewayClient>;
type Tenant = Awaited<ReturnType<Client['tenantWith']>>;

describe('booking through the gateway', () => {
  let system: System;
  let client: Client;
  let fjell: Tenant;
  let other: Tenant;
  let admin: string;
  /** Desks d[0]…d[5] in an Oslo office open every day, without a capacity. */
  let d: string[];

  const token = (who: { email: string }) => fjell.users[who.email]!.token;
  const idOf = (who: { email: string }) => fjell.users[who.email]!.id;
  const call = (method: string, path: string, bearer: string, body?: unknown) => client.call(method, path, { token: bearer, body });
  const book = (bearer: string, body: Record<string, unknown>) => call('POST', '/v1/bookings', bearer, body);
  /** Local wall-clock time in Oslo, `days` local days after the booking service's today. */
  const at = (days: number, time: string) => wallClock(OSLO, system.bookingNow(), days, time);
  /** A whole minute `minutes` from the booking service's now, in UTC. */
  const fromNow = (minutes: number) => new Date((Math.ceil(system.bookingNow().getTime() / MINUTE) + minutes) * MINUTE).toISOString();
  const between = (from: string, to: string) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const refused = (answer: Answer, status: number, code: string) => expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
  const created = (answer: Answer) => {
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
    return answer.body as unknown as BookingView;
  };
  const readBooking = (id: string, bearer: string) =>
    waitFor(
      async () => {
        const answer = await call('GET', `/v1/bookings/${id}`, bearer);
        return answer.status === 200 ? (answer.body as unknown as BookingView) : undefined;
      },
      { what: 'the booking in the read model' },
    );
  const changePolicy = async (change: Record<string, unknown>) => {
    const answer = await call('PATCH', '/v1/settings/booking-policy', admin, change);
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200, body: change });
  };

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    fjell = await client.tenantWith(system.operatorToken, 'Fjell', everyone);
    other = await client.tenantWith(system.operatorToken, 'Dal', []);
    admin = fjell.adminToken;
    const hq = await client.locationWithSpaces(
      admin,
      [1, 2, 3, 4, 5, 6].map((n) => ({ name: `Desk ${n}`, kind: 'desk', floor: '1' })),
      { name: 'Fjell HQ' },
    );
    d = hq.spaces.map((space) => space.id);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  describe('locations and spaces', () => {
    it('lets an admin create, read, list, change and disable a location and its spaces', async () => {
      const location = await call('POST', '/v1/locations', admin, { name: 'Bergen office', timezone: OSLO, bookableWeekdays: [1, 2, 3, 4, 5], capacity: 40 });
      expect({ status: location.status, body: location.body }).toMatchObject({
        status: 201,
        body: { name: 'Bergen office', timezone: OSLO, bookableWeekdays: [1, 2, 3, 4, 5], capacity: 40, status: 'active' },
      });
      const id = location.body.id as string;
      expect(location.headers.get('location')).toBe(`/v1/locations/${id}`);
      await eventually(async () => expect((await call('GET', `/v1/locations/${id}`, token(anna))).body).toEqual(location.body));

      const changed = await call('PATCH', `/v1/locations/${id}`, admin, { name: 'Bergen', capacity: null });
      expect({ status: changed.status, body: changed.body }).toMatchObject({ status: 200, body: { id, name: 'Bergen', capacity: null, timezone: OSLO } });
      await eventually(async () => {
        const list = await call('GET', '/v1/locations', token(anna));
        expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: 'Bergen', capacity: null })]));
      });

      const space = await call('POST', `/v1/locations/${id}/spaces`, admin, { name: 'Room Fløyen', kind: 'room', floor: '2' });
      expect({ status: space.status, body: space.body }).toMatchObject({ status: 201, body: { locationId: id, name: 'Room Fløyen', kind: 'room', floor: '2' } });
      const spaceId = space.body.id as string;
      expect(space.headers.get('location')).toBe(`/v1/spaces/${spaceId}`);
      const moved = await call('PATCH', `/v1/spaces/${spaceId}`, admin, { floor: '3', zone: 'North' });
      expect({ status: moved.status, body: moved.body }).toMatchObject({ status: 200, body: { id: spaceId, name: 'Room Fløyen', floor: '3', zone: 'North' } });
      await eventually(async () => {
        expect((await call('GET', `/v1/spaces/${spaceId}`, token(anna))).body).toMatchObject({ id: spaceId, locationId: id, floor: '3', zone: 'North' });
        expect((await call('GET', `/v1/locations/${id}/spaces`, token(anna))).body.items).toEqual([expect.objectContaining({ id: spaceId, name: 'Room Fløyen' })]);
      });

      const disabled = await call('POST', `/v1/spaces/${spaceId}/disable`, admin);
      expect({ status: disabled.status, body: disabled.body }).toMatchObject({ status: 200, body: { id: spaceId, status: 'disabled' } });
      refused(await book(token(anna), { spaceId, start: at(7, '09:00'), end: at(7, '10:00') }), 422, 'booking.space_disabled');
      const closed = await call('POST', `/v1/locations/${id}/disable`, admin);
      expect({ status: closed.status, body: closed.body }).toMatchObject({ status: 200, body: { id, status: 'disabled' } });
    });

    it('lets only admins manage places, and no longer creates spaces outside a location', async () => {
      const body = { name: 'Sneaky office', timezone: OSLO, bookableWeekdays: [1] };
      refused(await call('POST', '/v1/locations', token(anna), body), 403, 'auth.forbidden');
      refused(await call('POST', `/v1/locations/${d[0]}/spaces`, token(anna), { name: 'Desk', kind: 'desk' }), 403, 'auth.forbidden');
      refused(await call('PATCH', `/v1/spaces/${d[0]}`, token(anna), { name: 'Mine' }), 403, 'auth.forbidden');
      expect([404, 405]).toContain((await call('POST', '/v1/spaces', admin, { name: 'Desk', kind: 'desk' })).status);
      refused(await call('POST', '/v1/locations', admin, { ...body, timezone: 'Europe/Atlantis' }), 400, 'validation.failed');
      refused(await call('POST', '/v1/locations', admin, { ...body, bookableWeekdays: [1, 1] }), 400, 'validation.failed');
    });

    it("answers 404 for another tenant's locations, spaces and bookings, as for unknown ids", async () => {
      const theirs = await client.locationWithSpaces(other.adminToken, [{ name: 'Their desk', kind: 'desk' }], { name: 'Dal office' });
      const location = theirs.location.id;
      const spaceId = theirs.spaces[0]!.id;
      const theirBooking = created(await book(other.adminToken, { spaceId, start: at(2, '09:00'), end: at(2, '10:00') }));
      await readBooking(theirBooking.id, other.adminToken);
      const range = between(at(1, '00:00'), at(3, '00:00'));
      const unknown = '00000000-0000-4000-8000-0000000000ff';

      for (const id of [location, unknown]) {
        const routes: Array<[string, string, unknown?]> = [
          ['GET', `/v1/locations/${id}`],
          ['PATCH', `/v1/locations/${id}`, { name: 'Mine now' }],
          ['POST', `/v1/locations/${id}/disable`],
          ['POST', `/v1/locations/${id}/spaces`, { name: 'Intruder', kind: 'desk' }],
          ['GET', `/v1/locations/${id}/spaces`],
          ['GET', `/v1/locations/${id}/availability?${range}`],
        ];
        for (const [method, path, body] of routes) {
          refused(await call(method, path, admin, body), 404, 'location.not_found');
        }
      }
      for (const id of [spaceId, unknown]) {
        const routes: Array<[string, string, unknown?]> = [
          ['GET', `/v1/spaces/${id}`],
          ['PATCH', `/v1/spaces/${id}`, { name: 'Mine now' }],
          ['POST', `/v1/spaces/${id}/disable`],
          ['GET', `/v1/spaces/${id}/bookings?${range}`],
          ['POST', '/v1/bookings', { spaceId: id, start: at(2, '11:00'), end: at(2, '12:00') }],
        ];
        for (const [method, path, body] of routes) {
          refused(await call(method, path, admin, body), 404, 'space.not_found');
        }
      }
      for (const id of [theirBooking.id, unknown]) {
        refused(await call('GET', `/v1/bookings/${id}`, admin), 404, 'booking.not_found');
        refused(await call('DELETE', `/v1/bookings/${id}`, admin), 404, 'booking.not_found');
        refused(await call('POST', `/v1/bookings/${id}/check-in`, admin), 404, 'booking.not_found');
      }
      const ours = await call('GET', '/v1/locations', admin);
      expect((ours.body.items as Array<{ id: string }>).map((item) => item.id)).not.toContain(location);
      expect((await call('GET', `/v1/locations/${location}`, other.adminToken)).status).toBe(200);
    });
  });

  describe('booking rules', () => {
    it('refuses an overlapping booking with 409 and treats intervals as half-open', async () => {
      created(await book(token(anna), { spaceId: d[0], start: at(2, '09:00'), end: at(2, '17:00'), subject: subjects[0] }));
      refused(await book(token(bjorn), { spaceId: d[0], start: at(2, '16:00'), end: at(2, '18:00') }), 409, 'booking.conflict');
      refused(await book(token(bjorn), { spaceId: d[0], start: at(2, '10:00'), end: at(2, '11:00') }), 409, 'booking.conflict');
      created(await book(token(bjorn), { spaceId: d[0], start: at(2, '17:00'), end: at(2, '18:00') }));
      created(await book(token(bjorn), { spaceId: d[0], start: at(2, '08:00'), end: at(2, '09:00') }));
    });

    it('refuses a start in the past and one beyond the advance limit', async () => {
      refused(await book(token(anna), { spaceId: d[1], start: fromNow(-60), end: fromNow(60) }), 422, 'booking.in_past');
      refused(await book(token(anna), { spaceId: d[1], start: at(31, '09:00'), end: at(31, '10:00') }), 422, 'booking.too_far_in_advance');
      created(await book(token(anna), { spaceId: d[1], start: at(29, '09:00'), end: at(29, '10:00') }));
    });

    it('refuses bookings longer or shorter than the policy allows', async () => {
      refused(await book(token(anna), { spaceId: d[1], start: at(3, '08:00'), end: at(3, '18:01') }), 422, 'booking.duration');
      refused(await book(token(anna), { spaceId: d[1], start: at(3, '08:00'), end: at(3, '08:14') }), 422, 'booking.duration');
      created(await book(token(anna), { spaceId: d[1], start: at(3, '08:00'), end: at(3, '18:00') }));
    });

    it('answers 400 validation.failed when the end is not after the start', async () => {
      for (const end of [at(4, '09:00'), at(4, '08:00')]) {
        const answer = await book(token(anna), { spaceId: d[1], start: at(4, '09:00'), end });
        refused(answer, 400, 'validation.failed');
        expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('end') })]));
      }
    });

    it('refuses more upcoming bookings than the policy allows', async () => {
      await changePolicy({ maxUpcomingBookingsPerUser: 2 });
      try {
        created(await book(token(carl), { spaceId: d[2], start: at(4, '09:00'), end: at(4, '10:00') }));
        created(await book(token(carl), { spaceId: d[2], start: at(5, '09:00'), end: at(5, '10:00') }));
        refused(await book(token(carl), { spaceId: d[2], start: at(6, '09:00'), end: at(6, '10:00') }), 422, 'booking.too_many_upcoming');
        const policy = await call('GET', '/v1/settings/booking-policy', admin);
        expect(policy.body).toEqual({ ...DEFAULT_BOOKING_POLICY, maxUpcomingBookingsPerUser: 2 });
      } finally {
        await changePolicy({ maxUpcomingBookingsPerUser: DEFAULT_BOOKING_POLICY.maxUpcomingBookingsPerUser });
      }
      created(await book(token(carl), { spaceId: d[2], start: at(6, '09:00'), end: at(6, '10:00') }));
    });

    it('refuses a second booking at the same time for the same person', async () => {
      created(await book(token(dina), { spaceId: d[3], start: at(4, '09:00'), end: at(4, '12:00') }));
      refused(await book(token(dina), { spaceId: d[4], start: at(4, '11:00'), end: at(4, '13:00') }), 422, 'booking.concurrent_limit');
      created(await book(token(dina), { spaceId: d[4], start: at(4, '12:00'), end: at(4, '13:00') }));
    });

    it("refuses a booking once the location's capacity is reached at any instant", async () => {
      const small = await client.locationWithSpaces(
        admin,
        [
          { name: 'Cap A', kind: 'desk' },
          { name: 'Cap B', kind: 'desk' },
        ],
        { name: 'Small office', capacity: 1 },
      );
      const [a, b] = small.spaces.map((space) => space.id);
      created(await book(token(eli), { spaceId: a, start: at(2, '09:00'), end: at(2, '10:00') }));
      refused(await book(token(frode), { spaceId: b, start: at(2, '09:30'), end: at(2, '10:30') }), 422, 'booking.capacity_reached');
      created(await book(token(frode), { spaceId: b, start: at(2, '10:00'), end: at(2, '11:00') }));
    });

    it('bounds what one admin booking can cost: no exemption lifts the hard limits, and booking stays up', async () => {
      const capped = await client.locationWithSpaces(
        admin,
        [
          { name: 'Hard A', kind: 'desk' },
          { name: 'Hard B', kind: 'desk' },
        ],
        { name: 'Capped office', capacity: 5 },
      );
      const [a, b] = capped.spaces.map((space) => space.id);
      refused(await book(admin, { spaceId: a, start: fromNow(60), end: '9999-12-31T00:00:00Z' }), 422, 'booking.duration');
      refused(await book(admin, { spaceId: a, start: fromNow(60), end: fromNow(60 + 10 * 365 * 24 * 60) }), 422, 'booking.duration');
      refused(await book(admin, { spaceId: a, start: '9998-01-01T00:00:00Z', end: '9998-01-01T01:00:00Z' }), 422, 'booking.too_far_in_advance');
      const beyond = await call('PATCH', '/v1/settings/booking-policy', admin, { maxDurationMinutes: 60 * 24 * 31 + 1 });
      refused(beyond, 400, 'validation.failed');
      created(await book(admin, { spaceId: a, start: fromNow(60), end: fromNow(60 + 60 * 24 * 31) }));
      created(await book(token(gro), { spaceId: b, start: at(2, '09:00'), end: at(2, '10:00') }));
    });

    it('refuses a day the location is closed, judged by the local calendar', async () => {
      const openDay = isoWeekday(localDate(OSLO, system.bookingNow(), 3));
      const weekly = await client.locationWithSpaces(admin, [{ name: 'Weekly desk', kind: 'desk' }], { name: 'Weekly office', bookableWeekdays: [openDay] });
      const spaceId = weekly.spaces[0]!.id;
      refused(await book(token(eli), { spaceId, start: at(2, '09:00'), end: at(2, '10:00') }), 422, 'booking.weekday_not_bookable');
      created(await book(token(eli), { spaceId, start: at(3, '09:00'), end: at(3, '10:00') }));
    });
  });

  describe('booking for someone else and reading your own', () => {
    it('lets an admin book on behalf of a user, and no one else', async () => {
      const body = { spaceId: d[5], start: at(5, '09:00'), end: at(5, '12:00'), subject: subjects[1], onBehalfOf: idOf(gro) };
      refused(await book(token(bjorn), body), 403, 'auth.forbidden');
      const booking = created(await book(admin, body));
      expect(booking).toMatchObject({ bookedBy: idOf(gro), subject: subjects[1], status: 'confirmed' });
      expect(await readBooking(booking.id, token(gro))).toMatchObject({ id: booking.id, bookedBy: idOf(gro) });
    });

    it('lists your own bookings in a window, and only yours', async () => {
      const range = between(at(1, '00:00'), at(31, '00:00'));
      await eventually(async () => {
        const mine = await call('GET', `/v1/bookings?${range}`, token(bjorn));
        expect(mine.status).toBe(200);
        const items = mine.body.items as BookingView[];
        expect(items).toHaveLength(2);
        for (const item of items) expect(item.bookedBy).toBe(idOf(bjorn));
      }, "bjorn's two bookings");
      const annas = (await call('GET', `/v1/bookings?${range}`, token(anna))).body.items as BookingView[];
      expect(annas.map((item) => item.bookedBy)).toEqual([idOf(anna), idOf(anna), idOf(anna)]);
      const narrow = await call('GET', `/v1/bookings?${between(at(29, '00:00'), at(30, '00:00'))}`, token(anna));
      expect((narrow.body.items as BookingView[]).map((item) => item.start)).toEqual([new Date(at(29, '09:00')).toISOString()]);
      refused(await call('GET', `/v1/bookings?${between(at(3, '00:00'), at(2, '00:00'))}`, token(anna)), 400, 'validation.failed');
    });
  });

  describe('cancelling, checking in and releasing no-shows', () => {
    it('cancels your own booking with 204 and frees the slot; others may not', async () => {
      const booking = created(await book(token(anna), { spaceId: d[2], start: at(7, '09:00'), end: at(7, '10:00') }));
      refused(await call('DELETE', `/v1/bookings/${booking.id}`, token(bjorn)), 403, 'auth.forbidden');
      const cancelled = await call('DELETE', `/v1/bookings/${booking.id}`, token(anna));
      expect({ status: cancelled.status, body: cancelled.body }).toEqual({ status: 204, body: {} });
      await eventually(async () => expect((await call('GET', `/v1/bookings/${booking.id}`, token(anna))).body).toMatchObject({ status: 'cancelled' }));
      created(await book(token(bjorn), { spaceId: d[2], start: at(7, '09:00'), end: at(7, '10:00') }));
    });

    it('refuses a cancellation inside the cutoff, except by an admin', async () => {
      await changePolicy({ cancellationCutoffMinutes: 7 * 24 * 60 });
      try {
        const booking = created(await book(token(hans), { spaceId: d[5], start: at(3, '09:00'), end: at(3, '10:00') }));
        refused(await call('DELETE', `/v1/bookings/${booking.id}`, token(hans)), 422, 'booking.cancellation_too_late');
        expect((await call('DELETE', `/v1/bookings/${booking.id}`, admin)).status).toBe(204);
      } finally {
        await changePolicy({ cancellationCutoffMinutes: 0 });
      }
    });

    it('refuses to cancel a booking that has finished', async () => {
      const booking = created(await book(token(hans), { spaceId: d[5], start: fromNow(30), end: fromNow(60) }));
      system.advanceBookingClock(120 * MINUTE);
      try {
        refused(await call('DELETE', `/v1/bookings/${booking.id}`, token(hans)), 422, 'booking.already_finished');
      } finally {
        system.advanceBookingClock(-120 * MINUTE);
      }
    });

    it('checks in from 15 minutes before the start, not earlier', async () => {
      const later = created(await book(token(ida), { spaceId: d[4], start: at(3, '09:00'), end: at(3, '10:00') }));
      refused(await call('POST', `/v1/bookings/${later.id}/check-in`, token(ida)), 422, 'booking.not_checkin_time');
      const soon = created(await book(token(ida), { spaceId: d[4], start: fromNow(10), end: fromNow(70) }));
      const checkedIn = await call('POST', `/v1/bookings/${soon.id}/check-in`, token(ida));
      expect({ status: checkedIn.status, body: checkedIn.body }).toMatchObject({ status: 200, body: { id: soon.id, status: 'checked_in' } });
      await eventually(async () => expect((await call('GET', `/v1/bookings/${soon.id}`, token(ida))).body).toMatchObject({ status: 'checked_in' }));
    });

    it('releases a booking nobody checked into once the grace period is over, freeing the rest of the slot', async () => {
      const end = fromNow(65);
      const booking = created(await book(token(jon), { spaceId: d[3], start: fromNow(5), end }));
      await readBooking(booking.id, token(jon));
      system.advanceBookingClock((5 + DEFAULT_BOOKING_POLICY.checkInGraceMinutes + 1) * MINUTE);
      try {
        refused(await book(token(kai), { spaceId: d[3], start: fromNow(1), end }), 409, 'booking.conflict');
        await system.booking.releaseDueNoShows();
        await eventually(async () => expect((await call('GET', `/v1/bookings/${booking.id}`, token(jon))).body).toMatchObject({ status: 'released' }));
        refused(await call('POST', `/v1/bookings/${booking.id}/check-in`, token(jon)), 404, 'booking.not_found');
        created(await book(token(kai), { spaceId: d[3], start: fromNow(1), end }));
      } finally {
        system.advanceBookingClock(-(5 + DEFAULT_BOOKING_POLICY.checkInGraceMinutes + 1) * MINUTE);
      }
    });
  });

  describe("who sees a booker's name", () => {
    let spaceId: string;
    let locationId: string;
    let hidden: string;
    let shown: string;
    let range: string;

    /** Booker names by booking id, as a space's schedule and as the location's availability. */
    const names = async (bearer: string) => {
      const space = await call('GET', `/v1/spaces/${spaceId}/bookings?${range}`, bearer);
      const availability = await call('GET', `/v1/locations/${locationId}/availability?${range}`, bearer);
      expect([space.status, availability.status]).toEqual([200, 200]);
      const byId = (slots: SlotView[]) => Object.fromEntries(slots.map((slot) => [slot.id, slot.booker]));
      const items = availability.body.items as Array<{ space: { id: string }; bookings: SlotView[] }>;
      return { space: byId(space.body.items as SlotView[]), availability: byId(items.find((item) => item.space.id === spaceId)?.bookings ?? []) };
    };
    const expectNames = (bearer: string, expected: Record<string, string | null>) =>
      eventually(async () => expect(await names(bearer)).toEqual({ space: expected, availability: expected }), 'the visible booker names');
    const setVisibility = async (bookingVisibility: string) => {
      const answer = await call('PATCH', '/v1/settings/privacy', admin, { bookingVisibility });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { bookingVisibility, anonymizeBookingsAfterDays: null, analyticsMinGroupSize: 5 } });
    };

    beforeAll(async () => {
      const office = await client.locationWithSpaces(admin, [{ name: 'Open desk', kind: 'desk' }], { name: 'Visibility office' });
      locationId = office.location.id;
      spaceId = office.spaces[0]!.id;
      range = between(at(2, '00:00'), at(3, '00:00'));
      const chose = await call('PATCH', '/v1/me', token(live), { bookingVisibility: 'hidden' });
      expect(chose.status).toBe(200);
      hidden = created(await book(token(live), { spaceId, start: at(2, '09:00'), end: at(2, '10:00') })).id;
      shown = created(await book(token(mats), { spaceId, start: at(2, '10:00'), end: at(2, '11:00') })).id;
    });

    it('shows names by each user’s choice by default, hiding those who chose hidden', async () => {
      expect((await call('GET', '/v1/settings/privacy', admin)).body).toEqual({
        bookingVisibility: 'user-choice-visible',
        anonymizeBookingsAfterDays: null,
        analyticsMinGroupSize: 5,
      });
      refused(await call('GET', '/v1/settings/privacy', token(nora)), 403, 'auth.forbidden');
      await expectNames(token(nora), { [hidden]: null, [shown]: mats.displayName });
    });

    it('always shows names to admins', async () => {
      await expectNames(admin, { [hidden]: live.displayName, [shown]: mats.displayName });
    });

    it('shows no names when the tenant says nobody', async () => {
      await setVisibility('nobody');
      await expectNames(token(nora), { [hidden]: null, [shown]: null });
      await expectNames(admin, { [hidden]: live.displayName, [shown]: mats.displayName });
    });

    it('hides names of users who chose nothing when the default is hidden', async () => {
      await setVisibility('user-choice-hidden');
      await expectNames(token(nora), { [hidden]: null, [shown]: null });
    });

    it('shows every name when the tenant says everyone', async () => {
      await setVisibility('everyone');
      await expectNames(token(nora), { [hidden]: live.displayName, [shown]: mats.displayName });
    });
  });

  it('leaves no plaintext e-mail, name or subject at rest, and no user id in booking data', async () => {
    await waitFor(() => system.booking.settled(), { what: 'relay and projection to settle' });
    await system.stop();
    const needles = [...everyone, fjell.admin, other.admin].flatMap((who) => [who.email, who.displayName]);
    expect(scanForPlaintext(system.dataDir, [...needles, ...subjects, fjell.password])).toEqual([]);
    const userIds = [...everyone.map(idOf), fjell.adminUserId, other.adminUserId];
    expect(scanForPlaintext(join(system.dataDir, 'booking'), userIds)).toEqual([]);
  });
});
