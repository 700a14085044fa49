import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelBooking,
  ChangeBookingPolicy,
  ChangePrivacySettings,
  CheckInBooking,
  CreateBooking,
  CreateLocation,
  CreateSpace,
  DestroySubjectKeys,
  DisableSpace,
  GetBooking,
  GetLocation,
  GetPrivacySettings,
  GetSpace,
  ListLocations,
  ListMyBookings,
  ListSpaceBookings,
  ListSpaces,
  LocationAvailability,
  UpdateMe,
  type RequestContext,
} from '@plass/contracts';
import { scanForPlaintext } from '@plass/testing';
import { createTenant, registerUser, type BookingHarness, type TestTenant } from './test-support/harness.js';
import { startBookingHarness } from './test-support/harness.js';

const failure = (code: string) => expect.objectContaining({ error: expect.objectContaining({ code }) });

/** Monday 2030-03-04; Oslo is UTC+1 in March. */
const at = (day: number, hour: number, minutes = 0) => new Date(Date.UTC(2030, 2, 4 + day, hour, minutes)).toISOString();

describe('booking service (real NATS, SQLite, key vault, identity)', () => {
  let h: BookingHarness;
  let tenant: TestTenant;
  let other: TestTenant;
  let alice: { id: string; ctx: RequestContext };
  let bob: { id: string; ctx: RequestContext };
  let carol: { id: string; ctx: RequestContext };
  let locationId: string;
  let spaces: string[];

  beforeAll(async () => {
    h = await startBookingHarness();
    tenant = await createTenant(h);
    other = await createTenant(h);
    alice = await registerUser(h, tenant, 'Alice Liddell');
    bob = await registerUser(h, tenant, 'Bob Builder');
    carol = await registerUser(h, tenant, 'Carol Danvers');
    const location = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5], capacity: 2 }, tenant.admin);
    locationId = location.id;
    spaces = [];
    for (const name of ['Desk 1', 'Desk 2', 'Desk 3']) {
      spaces.push((await h.client.request(CreateSpace, { locationId, name, kind: 'desk', floor: '4' }, tenant.admin)).id);
    }
    await h.settle();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  const book = (who: { ctx: RequestContext }, spaceId: string, start: string, end: string, extra: { subject?: string; onBehalfOf?: string } = {}) =>
    h.client.request(CreateBooking, { spaceId, start, end, ...extra }, who.ctx);

  it('manages locations and spaces for admins of the tenant only', async () => {
    expect(await h.client.request(GetLocation, { locationId }, alice.ctx)).toMatchObject({ name: 'Oslo HQ', capacity: 2, status: 'active' });
    await expect(h.client.request(GetLocation, { locationId }, other.admin)).rejects.toEqual(failure('location.not_found'));
    await expect(h.client.request(GetSpace, { spaceId: spaces[0]! }, other.admin)).rejects.toEqual(failure('space.not_found'));
    await expect(h.client.request(CreateLocation, { name: 'Mine', timezone: 'Europe/Oslo', bookableWeekdays: [1] }, alice.ctx)).rejects.toEqual(failure('auth.forbidden'));
    await expect(h.client.request(CreateSpace, { locationId, name: 'x', kind: 'desk' }, other.admin)).rejects.toEqual(failure('location.not_found'));

    expect((await h.client.request(ListLocations, { limit: 10 }, alice.ctx)).items.map((l) => l.id)).toEqual([locationId]);
    expect((await h.client.request(ListLocations, { limit: 10 }, other.admin)).items).toEqual([]);
    const first = await h.client.request(ListSpaces, { locationId, limit: 2 }, alice.ctx);
    expect(first.items).toHaveLength(2);
    const rest = await h.client.request(ListSpaces, { locationId, limit: 2, cursor: first.nextCursor! }, alice.ctx);
    expect([...first.items, ...rest.items].map((s) => s.id).sort()).toEqual([...spaces].sort());
    expect(rest.nextCursor).toBeNull();
    await expect(h.client.request(ListSpaces, { locationId, limit: 2 }, other.admin)).rejects.toEqual(failure('location.not_found'));
  });

  it('books a space once: an overlapping booking is a conflict', async () => {
    const booked = await book(alice, spaces[0]!, at(1, 8), at(1, 10), { subject: 'Planning with Zebedee' });
    expect(booked).toMatchObject({ spaceId: spaces[0], status: 'confirmed', bookedBy: alice.id, subject: 'Planning with Zebedee' });
    await expect(book(bob, spaces[0]!, at(1, 9), at(1, 11))).rejects.toEqual(failure('booking.conflict'));
    await expect(book(bob, spaces[0]!, at(1, 10), at(1, 11))).resolves.toMatchObject({ status: 'confirmed' });
    await expect(book(bob, spaces[0]!, at(5, 9), at(5, 10))).rejects.toEqual(failure('booking.weekday_not_bookable'));
    await expect(h.client.request(CreateBooking, { spaceId: spaces[0]!, start: at(1, 12), end: at(1, 13) }, other.admin)).rejects.toEqual(failure('space.not_found'));
    await expect(book(bob, spaces[1]!, at(1, 8), at(1, 9), { onBehalfOf: alice.id })).rejects.toEqual(failure('auth.forbidden'));
  });

  it('cancels: only the booker or an admin, and the slot is free again', async () => {
    const booked = await book(alice, spaces[1]!, at(2, 8), at(2, 9));
    await h.settle();
    await expect(h.client.request(CancelBooking, { bookingId: booked.id }, bob.ctx)).rejects.toEqual(failure('auth.forbidden'));
    await expect(h.client.request(CancelBooking, { bookingId: booked.id }, other.admin)).rejects.toEqual(failure('booking.not_found'));
    await h.client.request(CancelBooking, { bookingId: booked.id }, alice.ctx);
    await h.client.request(CancelBooking, { bookingId: booked.id }, alice.ctx);
    await expect(book(bob, spaces[1]!, at(2, 8), at(2, 9))).resolves.toMatchObject({ status: 'confirmed' });
    await h.settle();
    expect(await h.client.request(GetBooking, { bookingId: booked.id }, alice.ctx)).toMatchObject({ status: 'cancelled', bookedBy: alice.id });
  });

  it('checks in while the booking runs', async () => {
    const booked = await book(carol, spaces[2]!, at(0, 9), at(0, 11));
    await h.settle();
    await expect(h.client.request(CheckInBooking, { bookingId: booked.id }, carol.ctx)).rejects.toEqual(failure('booking.not_checkin_time'));
    h.clock.set(at(0, 9, 5));
    try {
      await expect(h.client.request(CheckInBooking, { bookingId: booked.id }, bob.ctx)).rejects.toEqual(failure('auth.forbidden'));
      expect(await h.client.request(CheckInBooking, { bookingId: booked.id }, carol.ctx)).toMatchObject({ status: 'checked_in' });
      h.clock.set(at(0, 10));
      await h.settle();
      expect(await h.booking.releaseDueNoShows()).toEqual({ released: 0 });
      expect(await h.client.request(GetBooking, { bookingId: booked.id }, carol.ctx)).toMatchObject({ status: 'checked_in' });
    } finally {
      h.clock.set('2030-03-04T07:00:00Z');
    }
  });

  it('releases a no-show after the grace period, once', async () => {
    const booked = await book(bob, spaces[2]!, at(0, 12), at(0, 14));
    await h.settle();
    h.clock.set(at(0, 12, 14));
    try {
      expect(await h.booking.releaseDueNoShows()).toEqual({ released: 0 });
      h.clock.set(at(0, 12, 15));
      expect(await h.booking.releaseDueNoShows()).toEqual({ released: 1 });
      await h.settle();
      expect(await h.booking.releaseDueNoShows()).toEqual({ released: 0 });
      expect(await h.client.request(GetBooking, { bookingId: booked.id }, bob.ctx)).toMatchObject({ status: 'released' });
      await expect(book(carol, spaces[2]!, at(0, 13), at(0, 14))).resolves.toMatchObject({ status: 'confirmed' });
    } finally {
      h.clock.set('2030-03-04T07:00:00Z');
    }
  });

  it('keeps per-user limits and the location capacity across spaces', async () => {
    await book(alice, spaces[0]!, at(3, 8), at(3, 9));
    await expect(book(alice, spaces[1]!, at(3, 8, 30), at(3, 9, 30))).rejects.toEqual(failure('booking.concurrent_limit'));
    await book(bob, spaces[1]!, at(3, 8), at(3, 9));
    await expect(book(carol, spaces[2]!, at(3, 8, 30), at(3, 10))).rejects.toEqual(failure('booking.capacity_reached'));
    await expect(book(carol, spaces[2]!, at(3, 9), at(3, 10))).resolves.toMatchObject({ status: 'confirmed' });

    await h.client.request(ChangeBookingPolicy, { maxUpcomingBookingsPerUser: 1 }, tenant.admin);
    try {
      await expect(book(carol, spaces[2]!, at(3, 12), at(3, 13))).rejects.toEqual(failure('booking.too_many_upcoming'));
      await expect(h.client.request(ChangeBookingPolicy, { maxUpcomingBookingsPerUser: 5 }, carol.ctx)).rejects.toEqual(failure('auth.forbidden'));
    } finally {
      await h.client.request(ChangeBookingPolicy, { maxUpcomingBookingsPerUser: 20 }, tenant.admin);
    }
  });

  it('lists the actor’s own bookings only', async () => {
    await h.settle();
    const mine = await h.client.request(ListMyBookings, { from: at(0, 0), to: at(7, 0) }, alice.ctx);
    expect(mine.items.length).toBeGreaterThanOrEqual(3);
    expect(mine.items.every((b) => b.bookedBy === alice.id)).toBe(true);
    expect(mine.items.map((b) => b.status)).toContain('cancelled');
    const others = await h.client.request(ListMyBookings, { from: at(0, 0), to: at(7, 0) }, other.admin);
    expect(others.items).toEqual([]);
  });

  it('shows booker names as the tenant rule and each user’s choice allow', async () => {
    await h.settle();
    const names = async (viewer: RequestContext) => {
      const { items } = await h.client.request(ListSpaceBookings, { spaceId: spaces[0]!, from: at(3, 0), to: at(4, 0) }, viewer);
      return items.map((slot) => slot.booker);
    };
    expect(await names(bob.ctx)).toEqual(['Alice Liddell']);
    await h.client.request(UpdateMe, { bookingVisibility: 'hidden' }, alice.ctx);
    await h.settle();
    expect(await names(bob.ctx)).toEqual([null]);
    expect(await names(tenant.admin)).toEqual(['Alice Liddell']);

    await h.client.request(ChangePrivacySettings, { bookingVisibility: 'everyone' }, tenant.admin);
    await h.settle();
    expect(await h.client.request(GetPrivacySettings, {}, bob.ctx)).toEqual({ bookingVisibility: 'everyone', anonymizeBookingsAfterDays: null, analyticsMinGroupSize: 5 });
    expect(await names(bob.ctx)).toEqual(['Alice Liddell']);
    await h.client.request(ChangePrivacySettings, { bookingVisibility: 'nobody' }, tenant.admin);
    await h.settle();
    expect(await names(bob.ctx)).toEqual([null]);
    await h.client.request(ChangePrivacySettings, { bookingVisibility: 'user-choice-hidden' }, tenant.admin);
    await h.settle();
    const availability = await h.client.request(LocationAvailability, { locationId, from: at(3, 0), to: at(4, 0) }, alice.ctx);
    const slots = availability.items.flatMap((item) => item.bookings);
    expect(slots.map((slot) => slot.booker).sort()).toEqual(['Alice Liddell', null, null]);
    await h.client.request(UpdateMe, { bookingVisibility: 'visible' }, bob.ctx);
    await h.settle();
    const again = await h.client.request(LocationAvailability, { locationId, from: at(3, 0), to: at(4, 0) }, alice.ctx);
    expect(
      again.items
        .flatMap((item) => item.bookings)
        .map((slot) => slot.booker)
        .sort(),
    ).toEqual(['Alice Liddell', 'Bob Builder', null]);
    await expect(h.client.request(ChangePrivacySettings, { bookingVisibility: 'everyone' }, bob.ctx)).rejects.toEqual(failure('auth.forbidden'));
  });

  it('refuses bookings of a disabled space and rebuilds the read models from the event store', async () => {
    await h.client.request(DisableSpace, { spaceId: spaces[2]! }, tenant.admin);
    await expect(book(alice, spaces[2]!, at(4, 8), at(4, 9))).rejects.toEqual(failure('booking.space_disabled'));
    await h.settle();
    const before = await h.client.request(LocationAvailability, { locationId, from: at(0, 0), to: at(7, 0) }, tenant.admin);
    const { applied } = await h.booking.rebuildReadModel();
    expect(applied).toBeGreaterThan(10);
    expect(await h.client.request(LocationAvailability, { locationId, from: at(0, 0), to: at(7, 0) }, tenant.admin)).toEqual(before);
  });

  it('books for someone else only as an admin, and only for a known user', async () => {
    await expect(book({ ctx: tenant.admin }, spaces[0]!, at(4, 12), at(4, 13), { onBehalfOf: other.adminId })).rejects.toEqual(failure('user.not_found'));
    const booked = await book({ ctx: tenant.admin }, spaces[0]!, at(4, 12), at(4, 13), { onBehalfOf: carol.id });
    expect(booked).toMatchObject({ bookedBy: carol.id, status: 'confirmed' });
    await h.settle();
    expect((await h.client.request(ListMyBookings, { from: at(4, 0), to: at(5, 0) }, carol.ctx)).items.map((b) => b.id)).toEqual([booked.id]);
  });

  it('refuses an erased person, and an admin can still give their booking back', async () => {
    const dora = await registerUser(h, tenant, 'Dora Explorer');
    const booked = await book(dora, spaces[1]!, at(4, 8), at(4, 9));
    await h.settle();
    await h.client.request(DestroySubjectKeys, { subjectId: dora.id }, { ...tenant.admin, roles: ['privacy_officer'] });
    await expect(book(dora, spaces[0]!, at(4, 10), at(4, 11))).rejects.toEqual(failure('privacy.subject_erased'));
    const { items } = await h.client.request(ListSpaceBookings, { spaceId: spaces[1]!, from: at(4, 0), to: at(5, 0) }, tenant.admin);
    expect(items).toEqual([expect.objectContaining({ id: booked.id, booker: null })]);
    await expect(h.client.request(CancelBooking, { bookingId: booked.id }, dora.ctx)).rejects.toEqual(failure('auth.forbidden'));
    await h.client.request(CancelBooking, { bookingId: booked.id }, tenant.admin);
    await expect(book(alice, spaces[1]!, at(4, 8), at(4, 9))).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('keeps no booker id, subject or name in clear under the booking data dir', async () => {
    await h.settle();
    const hits = scanForPlaintext(join(h.dir.path, 'booking'), [alice.id, bob.id, carol.id, 'Zebedee', 'Alice Liddell', 'Bob Builder']);
    expect(hits).toEqual([]);
  });
});
