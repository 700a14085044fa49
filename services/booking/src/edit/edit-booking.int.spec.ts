import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelBooking,
  CheckInBooking,
  CreateBooking,
  CreateBookingSeries,
  CancelBookingSeries,
  CreateLocation,
  CreateSpace,
  EditBooking,
  GetBooking,
  ListMyBookings,
  ListSpaceBookings,
  type RequestContext,
} from '@plass/contracts';
import { scanForPlaintext } from '@plass/testing';
import { createTenant, registerUser, startBookingHarness, type BookingHarness, type TestTenant } from '../test-support/harness.js';

const failure = (code: string) => expect.objectContaining({ error: expect.objectContaining({ code }) });

/** Monday 2030-03-04 (the harness's clock starts at 07:00 UTC); Oslo is UTC+1 in March. */
const at = (day: number, hour: number, minutes = 0) => new Date(Date.UTC(2030, 2, 4 + day, hour, minutes)).toISOString();

describe('editing a booking (real NATS, SQLite, key vault, identity)', () => {
  let h: BookingHarness;
  let tenant: TestTenant;
  let alice: { id: string; ctx: RequestContext };
  let bob: { id: string; ctx: RequestContext };
  let spaces: string[];
  let elsewhere: string;

  beforeAll(async () => {
    h = await startBookingHarness();
    tenant = await createTenant(h);
    alice = await registerUser(h, tenant, 'Alice Liddell');
    bob = await registerUser(h, tenant, 'Bob Builder');
    const location = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5], capacity: 10 }, tenant.admin);
    spaces = [];
    for (const name of ['Desk 1', 'Desk 2', 'Desk 3']) spaces.push((await h.client.request(CreateSpace, { locationId: location.id, name, kind: 'desk' }, tenant.admin)).id);
    const bergen = await h.client.request(CreateLocation, { name: 'Bergen', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5] }, tenant.admin);
    elsewhere = (await h.client.request(CreateSpace, { locationId: bergen.id, name: 'Room B', kind: 'room' }, tenant.admin)).id;
    await h.settle();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  const book = (who: { ctx: RequestContext }, spaceId: string, start: string, end: string, subject?: string) =>
    h.client.request(CreateBooking, { spaceId, start, end, ...(subject === undefined ? {} : { subject }) }, who.ctx);
  const edit = (who: { ctx: RequestContext }, bookingId: string, changes: { start?: string; end?: string; spaceId?: string; expectedVersion?: number }) =>
    h.client.request(EditBooking, { bookingId, ...changes }, who.ctx);
  const slots = async (spaceId: string, day: number) => (await h.client.request(ListSpaceBookings, { spaceId, from: at(day, 0), to: at(day + 1, 0) }, alice.ctx)).items;

  it('moves a booking under its version: the old slot is free at once, the new one held, and a read gives the new version', async () => {
    const booking = await book(alice, spaces[0]!, at(1, 8), at(1, 9), 'Planning');
    expect(booking.version).toBe(0);
    await h.settle();
    expect(await h.client.request(GetBooking, { bookingId: booking.id }, alice.ctx)).toMatchObject({ version: 0 });

    // Overlapping its own slot is fine, even with a concurrent limit of one.
    const moved = await edit(alice, booking.id, { start: at(1, 8, 30), end: at(1, 10), expectedVersion: 0 });
    expect(moved).toMatchObject({
      id: booking.id,
      spaceId: spaces[0],
      start: at(1, 8, 30),
      end: at(1, 10),
      status: 'confirmed',
      bookedBy: alice.id,
      subject: 'Planning',
      version: 1,
    });
    await expect(book(bob, spaces[0]!, at(1, 9), at(1, 9, 30))).rejects.toEqual(failure('booking.conflict'));
    expect(await book(bob, spaces[0]!, at(1, 8), at(1, 8, 30))).toMatchObject({ status: 'confirmed' });

    await h.settle();
    expect(await h.client.request(GetBooking, { bookingId: booking.id }, alice.ctx)).toEqual({ ...moved, redacted: [] });
    expect((await slots(spaces[0]!, 1)).map((slot) => [slot.start, slot.end])).toEqual([
      [at(1, 8), at(1, 8, 30)],
      [at(1, 8, 30), at(1, 10)],
    ]);
  });

  it('refuses a stale version (412) and changes nothing', async () => {
    const booking = await book(alice, spaces[1]!, at(7, 8), at(7, 9));
    await edit(alice, booking.id, { end: at(7, 10), expectedVersion: 0 });
    await expect(edit(alice, booking.id, { end: at(7, 11), expectedVersion: 0 })).rejects.toEqual(failure('booking.version_mismatch'));
    // The version is judged before the new slot: a stale edit is 412 whatever it asks for.
    await expect(edit(alice, booking.id, { start: at(4000, 8), end: at(4000, 9), expectedVersion: 0 })).rejects.toEqual(failure('booking.version_mismatch'));
    await expect(edit(bob, booking.id, { start: at(4000, 8), end: at(4000, 9) })).rejects.toEqual(failure('auth.forbidden'));
    await expect(book(bob, spaces[1]!, at(7, 10), at(7, 11))).resolves.toMatchObject({ status: 'confirmed' });
    // Without If-Match, whatever the version is now.
    expect(await edit(alice, booking.id, { start: at(7, 7, 30), end: at(7, 9, 30) })).toMatchObject({ version: 2, start: at(7, 7, 30) });
  });

  it('lets exactly one of two racing edits of the same version win; the other is stale', async () => {
    const booking = await book(bob, spaces[2]!, at(8, 8), at(8, 9));
    const raced = await Promise.allSettled([edit(bob, booking.id, { end: at(8, 10), expectedVersion: 0 }), edit(bob, booking.id, { end: at(8, 11), expectedVersion: 0 })]);
    expect(raced.map((one) => one.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(raced.find((one) => one.status === 'rejected')).toMatchObject({ reason: failure('booking.version_mismatch') });
    const won = raced.find((one) => one.status === 'fulfilled')!.value;
    expect(won.version).toBe(1);
    // Only the winner's slot is held.
    const loserEnd = won.end === at(8, 10) ? at(8, 11) : at(8, 10);
    await expect(book(alice, spaces[2]!, won.end, loserEnd)).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('is atomic: a move into a taken slot is refused and the old slot stays held', async () => {
    const mine = await book(alice, spaces[0]!, at(2, 8), at(2, 9));
    await book(bob, spaces[0]!, at(2, 10), at(2, 11));
    await expect(edit(alice, mine.id, { start: at(2, 10), end: at(2, 11) })).rejects.toEqual(failure('booking.conflict'));
    await expect(edit(alice, mine.id, { start: at(2, 8, 30), end: at(2, 10, 30) })).rejects.toEqual(failure('booking.conflict'));
    await expect(book({ ctx: tenant.admin }, spaces[0]!, at(2, 8), at(2, 9))).rejects.toEqual(failure('booking.conflict'));
    await expect(edit(bob, mine.id, { end: at(2, 9, 30) })).rejects.toEqual(failure('auth.forbidden'));
    // An admin may move anyone's booking.
    await expect(edit({ ctx: tenant.admin }, mine.id, { end: at(2, 9, 30) })).resolves.toMatchObject({ end: at(2, 9, 30), bookedBy: alice.id, version: 1 });
  });

  it('moves to another space and location: the old space is free, the new one held, the ledger follows into another month', async () => {
    const booking = await book(alice, spaces[2]!, at(25, 8), at(25, 9));
    const moved = await edit(alice, booking.id, { spaceId: elsewhere, start: at(28, 8), end: at(28, 9) });
    expect(moved).toMatchObject({ spaceId: elsewhere, kind: 'room', start: at(28, 8), version: 1 });
    await expect(book(bob, spaces[2]!, at(25, 8), at(25, 9))).resolves.toMatchObject({ status: 'confirmed' });
    await expect(book(bob, elsewhere, at(28, 8, 30), at(28, 9))).rejects.toEqual(failure('booking.conflict'));
    await h.settle();
    // "My bookings" reads the ledger: it is in April now, not in March.
    const april = await h.client.request(ListMyBookings, { from: at(28, 0), to: at(29, 0) }, alice.ctx);
    expect(april.items.map((item) => [item.id, item.spaceId])).toEqual([[booking.id, elsewhere]]);
    const march = await h.client.request(ListMyBookings, { from: at(25, 0), to: at(26, 0) }, alice.ctx);
    expect(march.items.map((item) => item.id)).toEqual([]);
  });

  it('cancelling, checking in and releasing after an edit act on the new times', async () => {
    const cancelled = await book(alice, spaces[1]!, at(3, 8), at(3, 9));
    await edit(alice, cancelled.id, { start: at(3, 12), end: at(3, 13) });
    await h.client.request(CancelBooking, { bookingId: cancelled.id }, alice.ctx);
    await expect(book(bob, spaces[1]!, at(3, 12), at(3, 13))).resolves.toMatchObject({ status: 'confirmed' });

    const released = await book(alice, spaces[2]!, at(4, 8), at(4, 9));
    const checkedIn = await book(alice, spaces[0]!, at(4, 10), at(4, 11));
    await edit(alice, released.id, { start: at(4, 12), end: at(4, 13) });
    await edit(alice, checkedIn.id, { start: at(4, 14), end: at(4, 15) });
    await h.settle();
    const status = async (bookingId: string) => {
      await h.settle();
      return (await h.client.request(GetBooking, { bookingId }, alice.ctx)).status;
    };
    try {
      // The no-show release is due 15 minutes after the new start, not the old one.
      h.clock.set(at(4, 8, 30));
      await h.booking.releaseDueNoShows();
      expect(await status(released.id)).toBe('confirmed');
      h.clock.set(at(4, 12, 20));
      await h.booking.releaseDueNoShows();
      expect(await status(released.id)).toBe('released');
      await expect(book(bob, spaces[2]!, at(4, 12, 30), at(4, 13))).resolves.toMatchObject({ status: 'confirmed' });
      await expect(edit(alice, checkedIn.id, { end: at(4, 15, 30) })).resolves.toMatchObject({ version: 2 });
      h.clock.set(at(4, 13, 50));
      expect(await h.client.request(CheckInBooking, { bookingId: checkedIn.id }, alice.ctx)).toMatchObject({
        status: 'checked_in',
        start: at(4, 14),
        end: at(4, 15, 30),
        version: 3,
      });
      await expect(edit(alice, checkedIn.id, { end: at(4, 16) })).rejects.toEqual(failure('booking.already_started'));
      h.clock.set(at(4, 14, 10));
      await expect(edit({ ctx: tenant.admin }, checkedIn.id, { end: at(4, 16) })).rejects.toEqual(failure('booking.already_started'));
      await expect(edit(alice, released.id, { end: at(4, 14) })).rejects.toEqual(failure('booking.not_found'));
    } finally {
      h.clock.set('2030-03-04T07:00:00Z');
    }
  });

  it('an occurrence of a series moves like any booking, and cancelling the series judges it by its new times', async () => {
    const series = await h.client.request(CreateBookingSeries, { spaceId: spaces[1]!, start: at(10, 8), end: at(10, 9), recurrence: { frequency: 'daily', count: 2 } }, bob.ctx);
    const [first, second] = series.occurrences.map((o) => (o.status === 'confirmed' ? o.bookingId : ''));
    await h.settle();
    await edit(bob, first!, { start: at(10, 12), end: at(10, 13) });
    try {
      h.clock.set(at(10, 10));
      const cancelled = await h.client.request(CancelBookingSeries, { seriesId: series.id }, bob.ctx);
      expect(cancelled.occurrences.map((o) => [o.bookingId, o.start, o.status])).toEqual([
        [first, at(10, 12), 'cancelled'],
        [second, at(11, 8), 'cancelled'],
      ]);
      await expect(book(alice, spaces[1]!, at(10, 12), at(10, 13))).resolves.toMatchObject({ status: 'confirmed' });
    } finally {
      h.clock.set('2030-03-04T07:00:00Z');
    }
  });

  it('keeps no booker id or title in clear under the booking data dir', async () => {
    await h.settle();
    expect(scanForPlaintext(join(h.dir.path, 'booking'), [alice.id, bob.id, 'Planning', 'Alice Liddell'])).toEqual([]);
  });
});
