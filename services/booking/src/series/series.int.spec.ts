import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelBookingSeries,
  CancelSubjectBookings,
  CreateBooking,
  CreateBookingSeries,
  CreateLocation,
  CreateSpace,
  GetBooking,
  ListMyBookings,
  type RequestContext,
  type RequestOf,
} from '@plass/contracts';
import { scanForPlaintext } from '@plass/testing';
import { createTenant, registerUser, startBookingHarness, type BookingHarness, type TestTenant } from '../test-support/harness.js';

const failure = (code: string) => expect.objectContaining({ error: expect.objectContaining({ code }) });
const refusedWith = (occurrences: unknown[]) => expect.objectContaining({ error: expect.objectContaining({ code: 'booking.series_refused', details: { occurrences } }) });

/** The harness starts at Monday 2030-03-04 08:00 in Oslo (UTC+1 until 2030-03-31). */
const march = (day: number, hourUtc: number) => new Date(Date.UTC(2030, 2, day, hourUtc)).toISOString();

describe('booking series (real NATS, SQLite, key vault, identity)', () => {
  let h: BookingHarness;
  let tenant: TestTenant;
  let alice: { id: string; ctx: RequestContext };
  let bob: { id: string; ctx: RequestContext };
  let spaces: string[];

  beforeAll(async () => {
    h = await startBookingHarness();
    tenant = await createTenant(h);
    alice = await registerUser(h, tenant, 'Alice Series');
    bob = await registerUser(h, tenant, 'Bob Series');
    const location = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5] }, tenant.admin);
    spaces = [];
    for (const name of ['Desk 1', 'Desk 2', 'Desk 3', 'Desk 4'])
      spaces.push((await h.client.request(CreateSpace, { locationId: location.id, name, kind: 'desk' }, tenant.admin)).id);
    await h.settle();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  /** Tuesdays 09:00–10:00 Oslo from 2030-03-05, four times. */
  const tuesdays = (spaceId: string, extra: Partial<RequestOf<typeof CreateBookingSeries>> = {}): RequestOf<typeof CreateBookingSeries> => ({
    spaceId,
    start: march(5, 8),
    end: march(5, 9),
    subject: 'Weekly with Zebedee',
    recurrence: { frequency: 'weekly', count: 4 },
    ...extra,
  });
  const mine = async (who: { ctx: RequestContext }) =>
    (await h.client.request(ListMyBookings, { from: march(4, 0), to: new Date(Date.UTC(2030, 4, 4)).toISOString() }, who.ctx)).items.filter((b) => b.status === 'confirmed');

  it('books all occurrences or none: one taken slot refuses the series and lists every occurrence', async () => {
    await h.client.request(CreateBooking, { spaceId: spaces[0]!, start: march(12, 8), end: march(12, 9) }, bob.ctx);
    await expect(h.client.request(CreateBookingSeries, tuesdays(spaces[0]!), alice.ctx)).rejects.toEqual(
      refusedWith([
        { status: 'bookable', start: march(5, 8), end: march(5, 9) },
        { status: 'refused', start: march(12, 8), end: march(12, 9), code: 'booking.conflict' },
        { status: 'bookable', start: march(19, 8), end: march(19, 9) },
        { status: 'bookable', start: march(26, 8), end: march(26, 9) },
      ]),
    );
    expect(await mine(alice)).toEqual([]);
    // Nothing held: the free Tuesdays can still be booked.
    await expect(h.client.request(CreateBooking, { spaceId: spaces[0]!, start: march(19, 8), end: march(19, 9) }, bob.ctx)).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('books the occurrences that fit when partial, each an ordinary booking', async () => {
    await h.client.request(CreateBooking, { spaceId: spaces[1]!, start: march(12, 8), end: march(12, 9) }, tenant.admin);
    const series = await h.client.request(CreateBookingSeries, tuesdays(spaces[1]!, { partial: true }), alice.ctx);
    expect(series.occurrences.map((o) => (o.status === 'refused' ? o.code : o.status))).toEqual(['confirmed', 'booking.conflict', 'confirmed', 'confirmed']);
    const booked = series.occurrences.flatMap((o) => (o.status === 'confirmed' ? [o.bookingId] : []));
    await h.settle();
    expect((await mine(alice)).map((b) => b.id).sort()).toEqual([...booked].sort());
    expect(await h.client.request(GetBooking, { bookingId: booked[0]! }, alice.ctx)).toMatchObject({ bookedBy: alice.id, subject: 'Weekly with Zebedee', spaceId: spaces[1] });
  });

  it('keeps the wall-clock time across the change to summer time (Oslo, 2030-03-31)', async () => {
    const series = await h.client.request(
      CreateBookingSeries,
      { ...tuesdays(spaces[2]!), start: march(26, 8), end: march(26, 16), recurrence: { frequency: 'weekly', count: 2 } },
      bob.ctx,
    );
    expect(series.occurrences).toEqual([
      expect.objectContaining({ status: 'confirmed', start: march(26, 8), end: march(26, 16) }),
      expect.objectContaining({ status: 'confirmed', start: '2030-04-02T07:00:00.000Z', end: '2030-04-02T15:00:00.000Z' }),
    ]);
  });

  it('bounds the series by the policy: the occurrences beyond 30 days ahead refuse it', async () => {
    const carol = await registerUser(h, tenant, 'Carol Series');
    const weekdays = tuesdays(spaces[3]!, {
      start: march(28, 8),
      end: march(28, 9),
      recurrence: { frequency: 'daily', byWeekday: [1, 2, 3, 4, 5], until: '2030-04-09T23:00:00Z' },
    });
    // Up to 2030-04-03 08:00 Oslo (07:00 UTC): 09:00 that day is summer time, 07:00 UTC, still in.
    const fits = [march(28, 8), march(29, 8), '2030-04-01T07:00:00.000Z', '2030-04-02T07:00:00.000Z', '2030-04-03T07:00:00.000Z'];
    const beyond = ['2030-04-04T07:00:00.000Z', '2030-04-05T07:00:00.000Z', '2030-04-08T07:00:00.000Z', '2030-04-09T07:00:00.000Z'];
    await expect(h.client.request(CreateBookingSeries, weekdays, carol.ctx)).rejects.toEqual(
      refusedWith([
        ...fits.map((start) => expect.objectContaining({ status: 'bookable', start })),
        ...beyond.map((start) => expect.objectContaining({ status: 'refused', start, code: 'booking.too_far_in_advance' })),
      ]),
    );
  });

  it('answers a retry of the same series id as the first attempt, booking nothing twice', async () => {
    const seriesId = randomUUID();
    const request = { ...tuesdays(spaces[3]!), recurrence: { frequency: 'weekly' as const, count: 2 }, start: march(7, 8), end: march(7, 9), seriesId };
    const first = await h.client.request(CreateBookingSeries, request, alice.ctx);
    expect(await h.client.request(CreateBookingSeries, request, alice.ctx)).toEqual(first);
    expect(first).toMatchObject({ id: seriesId, occurrences: [{ status: 'confirmed' }, { status: 'confirmed' }] });
  });

  it('cancels the occurrences that have not started, for the booker or an admin only', async () => {
    const series = await h.client.request(
      CreateBookingSeries,
      { ...tuesdays(spaces[3]!), start: march(4, 12), end: march(4, 13), recurrence: { frequency: 'daily', count: 3 } },
      alice.ctx,
    );
    const [first, second, third] = series.occurrences.map((o) => (o.status === 'confirmed' ? o.bookingId : ''));
    await h.settle();
    await expect(h.client.request(CancelBookingSeries, { seriesId: series.id }, bob.ctx)).rejects.toEqual(failure('booking.series_not_found'));
    await expect(h.client.request(CancelBookingSeries, { seriesId: randomUUID() }, tenant.admin)).rejects.toEqual(failure('booking.series_not_found'));
    h.clock.set(march(4, 12));
    try {
      const cancelled = await h.client.request(CancelBookingSeries, { seriesId: series.id }, alice.ctx);
      expect(cancelled.occurrences.map((o) => [o.bookingId, o.status, o.code])).toEqual([
        [first, 'skipped', 'booking.cancellation_too_late'],
        [second, 'cancelled', undefined],
        [third, 'cancelled', undefined],
      ]);
      // Again, as an admin: the cancelled ones stay cancelled.
      expect((await h.client.request(CancelBookingSeries, { seriesId: series.id }, tenant.admin)).occurrences.map((o) => o.status)).toEqual(['skipped', 'cancelled', 'cancelled']);
      await h.settle();
      expect(await h.client.request(GetBooking, { bookingId: second! }, alice.ctx)).toMatchObject({ status: 'cancelled' });
      expect(await h.client.request(GetBooking, { bookingId: first! }, alice.ctx)).toMatchObject({ status: 'confirmed' });
      await expect(h.client.request(CreateBooking, { spaceId: spaces[3]!, start: march(5, 12), end: march(5, 13) }, bob.ctx)).resolves.toMatchObject({ status: 'confirmed' });
    } finally {
      h.clock.set('2030-03-04T07:00:00Z');
    }
  });

  it('erasure cancels the occurrences with the person’s other bookings and deletes the series', async () => {
    const dora = await registerUser(h, tenant, 'Dora Series');
    const series = await h.client.request(
      CreateBookingSeries,
      { ...tuesdays(spaces[3]!), start: march(8, 8), end: march(8, 9), recurrence: { frequency: 'weekly', count: 2 } },
      dora.ctx,
    );
    await h.settle();
    const saga: RequestContext = { tenantId: tenant.tenantId, roles: [], correlationId: randomUUID() };
    expect(await h.client.request(CancelSubjectBookings, { erasureId: randomUUID(), subjectId: dora.id }, saga)).toEqual({ cancelled: 2 });
    await expect(h.client.request(CancelBookingSeries, { seriesId: series.id }, tenant.admin)).rejects.toEqual(failure('booking.series_not_found'));
  });

  // Measured on 2 cores: ~1.3 s to book 366 occurrences (one append of ~1,100 streams), ~1 s to cancel them.
  it('books the most occurrences a series may have in one append, and cancels them', async () => {
    const desk = (
      await h.client.request(
        CreateSpace,
        {
          locationId: (await h.client.request(CreateLocation, { name: 'Big', timezone: 'Europe/Berlin', bookableWeekdays: [1, 2, 3, 4, 5] }, tenant.admin)).id,
          name: 'Year desk',
          kind: 'desk',
        },
        tenant.admin,
      )
    ).id;
    const series = await h.client.request(
      CreateBookingSeries,
      { spaceId: desk, start: march(5, 8), end: march(5, 16), recurrence: { frequency: 'daily', byWeekday: [1, 2, 3, 4, 5], count: 366 } },
      tenant.admin,
    );
    expect(series.occurrences.filter((o) => o.status === 'confirmed')).toHaveLength(366);
    const cancelled = await h.client.request(CancelBookingSeries, { seriesId: series.id }, tenant.admin);
    expect(cancelled.occurrences.every((o) => o.status === 'cancelled')).toBe(true);
  }, 60_000);

  it('keeps no booker id, subject or name in clear under the booking data dir', async () => {
    await h.settle();
    expect(scanForPlaintext(join(h.dir.path, 'booking'), [alice.id, bob.id, 'Zebedee', 'Alice Series', 'Bob Series'])).toEqual([]);
  });
});
