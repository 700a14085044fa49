import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBooking, CreateLocation, CreateSpace, GetBooking } from '@plass/contracts';
import { openSqliteEventStore, type RecordedEvent } from '@plass/eventstore';
import { createLogger } from '@plass/telemetry';
import { writeHistory, type HistoryFigures } from './history.js';
import { ledgerIndexStream, scheduleStream } from './streams.js';
import { createTenant, registerUser, startBookingHarness, type BookingHarness, type TestTenant } from './test-support/harness.js';

/** The benchmark's history writer on the real service stores, NATS and key vault. */
describe('writing a benchmark history straight into the booking store', () => {
  let h: BookingHarness;
  let tenant: TestTenant;
  let people: string[];
  let spaceIds: string[];
  let figures: HistoryFigures;
  let recorded: RecordedEvent[];
  const days = 3;

  beforeAll(async () => {
    h = await startBookingHarness();
    tenant = await createTenant(h);
    people = [(await registerUser(h, tenant, 'Alice Liddell')).id, (await registerUser(h, tenant, 'Bob Builder')).id];
    const location = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] }, tenant.admin);
    spaceIds = [
      (await h.client.request(CreateSpace, { locationId: location.id, name: 'Desk 1', kind: 'desk' }, tenant.admin)).id,
      (await h.client.request(CreateSpace, { locationId: location.id, name: 'Desk 2', kind: 'desk' }, tenant.admin)).id,
      (await h.client.request(CreateSpace, { locationId: location.id, name: 'Desk 3', kind: 'desk' }, tenant.admin)).id,
    ];
    await h.settle();
    await h.restartBooking(async () => {
      figures = await writeHistory({
        natsUrl: h.natsUrl,
        dataDir: h.dir.path,
        eventStore: 'sqlite',
        projectionStore: 'sqlite',
        tenantId: tenant.tenantId,
        adminId: tenant.adminId,
        spaceIds,
        peopleIds: people,
        days,
        until: h.clock.now,
        progress: () => undefined,
        logger: createLogger({ service: 'booking-history', level: 'warn', destination: { write: () => undefined } }),
      });
      const store = openSqliteEventStore({ file: join(h.dir.path, 'booking', 'events.db') });
      try {
        recorded = await store.readAll();
      } finally {
        await store.close();
      }
    });
    await h.settle();
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  /** The raw store, read-only: what no API shows (private streams, the outbox). */
  const rows = <T>(sql: string): T[] => {
    const db = new Database(join(h.dir.path, 'booking', 'events.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  const confirmed = () => recorded.filter((event) => event.type === 'BookingConfirmed');

  it('books every space once a day for the days before the clock, refusing none', () => {
    expect(figures).toMatchObject({ bookings: days * spaceIds.length, refused: {} });
    const starts = confirmed().map((event) => (event.data as { start: string }).start);
    expect([...new Set(starts)].sort()).toEqual(['2030-03-01T07:00:00.000Z', '2030-03-02T07:00:00.000Z', '2030-03-03T07:00:00.000Z']);
    expect(new Set(confirmed().map((event) => (event.data as { spaceId: string }).spaceId))).toEqual(new Set(spaceIds));
  });

  it('writes what the service writes: sealed bookers in the booking streams', () => {
    for (const event of confirmed()) {
      expect(event.streamId.startsWith('booking-')).toBe(true);
      expect(people).not.toContain((event.data as { bookedBy: unknown }).bookedBy);
    }
  });

  it('gives the slots and the ledger periods their entries', async () => {
    const store = openSqliteEventStore({ file: join(h.dir.path, 'booking', 'events.db') });
    try {
      const slots = await store.readStream(scheduleStream(tenant.tenantId, spaceIds[0]!, '2030-03-02'));
      expect(slots.map((event) => event.type)).toEqual(['SlotHeld']);
      const ledgerStreams = new Set(rows<{ stream_id: string }>("SELECT DISTINCT stream_id FROM events WHERE type = 'LedgerBookingAdded'").map((row) => row.stream_id));
      // Two people, bookings in one month: one period each, each opened in its index.
      expect(ledgerStreams.size).toBe(people.length);
      for (const stream of ledgerStreams) {
        const index = await store.readStream(ledgerIndexStream(stream.slice(0, -'-2030-03'.length)));
        expect(index.map((event) => event.type)).toEqual(['LedgerPeriodOpened']);
      }
    } finally {
      await store.close();
    }
  });

  it('marks the history published without sending it: the outbox is empty and the read model does not replay it', async () => {
    expect(rows<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]!.n).toBe(0);
    const bookingId = (confirmed()[0]!.data as { bookingId: string }).bookingId;
    await expect(h.client.request(GetBooking, { bookingId }, tenant.admin)).rejects.toEqual(
      expect.objectContaining({ error: expect.objectContaining({ code: 'booking.not_found' }) }),
    );
  });

  it('leaves a store the restarted service books on', async () => {
    const booked = await h.client.request(
      CreateBooking,
      { spaceId: spaceIds[0]!, start: '2030-03-05T07:00:00.000Z', end: '2030-03-05T15:00:00.000Z', onBehalfOf: people[0]! },
      tenant.admin,
    );
    expect(booked).toMatchObject({ status: 'confirmed', bookedBy: people[0] });
  });
});
