import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChangeBookingPolicy, CreateBooking, CreateLocation, CreateSpace, DomainFailure, ListSpaceBookings, type RequestContext } from '@plass/contracts';
import { openSqliteEventStore } from '@plass/eventstore';
import { createTenant, registerUser, startBookingHarness, type BookingHarness, type TestTenant } from './test-support/harness.js';

const SPACES = 5;
const USERS = 10;

describe('racing bookings over the bus', () => {
  let h: BookingHarness;
  let tenant: TestTenant;
  let users: Array<{ id: string; ctx: RequestContext }>;
  let spaces: string[];

  beforeAll(async () => {
    h = await startBookingHarness();
    tenant = await createTenant(h);
    users = [];
    for (let i = 0; i < USERS; i++) users.push(await registerUser(h, tenant, `Racer ${String.fromCharCode(65 + i)}`));
    // Limits out of the way: every request below races for the space, and each user races themself for the ledger.
    await h.client.request(ChangeBookingPolicy, { maxConcurrentBookingsPerUser: 100, maxUpcomingBookingsPerUser: 1000 }, tenant.admin);
    const { id: locationId } = await h.client.request(
      CreateLocation,
      { name: 'Race track', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5], capacity: 50 },
      tenant.admin,
    );
    spaces = [];
    for (let i = 0; i < SPACES; i++) spaces.push((await h.client.request(CreateSpace, { locationId, name: `Desk ${i}`, kind: 'desk' }, tenant.admin)).id);
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  /** `concurrency.conflict` means "retry": the client does, until the answer is definitive. */
  async function bookUntilDecided(ctx: RequestContext, spaceId: string, start: string, end: string): Promise<string> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await h.client.request(CreateBooking, { spaceId, start, end }, ctx);
        return 'confirmed';
      } catch (error) {
        if (!(error instanceof DomainFailure)) throw error;
        if (error.error.code !== 'concurrency.conflict') return error.error.code;
      }
    }
    return 'undecided';
  }

  it('lets exactly one of 50 overlapping requests per space win', async () => {
    const requests = users.flatMap((user, u) =>
      spaces.map((spaceId) => {
        const start = new Date(Date.UTC(2030, 2, 5, 8, u * 5));
        const end = new Date(start.getTime() + 60 * 60_000);
        return bookUntilDecided(user.ctx, spaceId, start.toISOString(), end.toISOString()).then((outcome) => ({ spaceId, outcome }));
      }),
    );
    const outcomes = await Promise.all(requests);
    expect(outcomes).toHaveLength(50);
    for (const spaceId of spaces) {
      const mine = outcomes.filter((o) => o.spaceId === spaceId).map((o) => o.outcome);
      expect(mine.filter((o) => o === 'confirmed')).toHaveLength(1);
      expect(mine.filter((o) => o !== 'confirmed').every((o) => o === 'booking.conflict')).toBe(true);
    }

    await h.settle();
    for (const spaceId of spaces) {
      const { items } = await h.client.request(ListSpaceBookings, { spaceId, from: '2030-03-05T00:00:00Z', to: '2030-03-06T00:00:00Z' }, tenant.admin);
      expect(items).toHaveLength(1);
    }

    const store = openSqliteEventStore({ file: join(h.dir.path, 'booking', 'events.db') });
    try {
      const all = await store.readAll();
      for (const spaceId of spaces) {
        const confirmed = all
          .filter((e) => e.type === 'BookingConfirmed' && (e.data as { spaceId: string }).spaceId === spaceId)
          .map((e) => e.data as { start: string; end: string });
        expect(confirmed).toHaveLength(1);
        for (const a of confirmed) {
          for (const b of confirmed) if (a !== b) expect(a.start < b.end && b.start < a.end).toBe(false);
        }
      }
    } finally {
      await store.close();
    }
  }, 120_000);
});
