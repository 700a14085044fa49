import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bookingKeyPeriod,
  BookingConfirmed,
  CancelBooking,
  CreateBooking,
  CreateLocation,
  CreateSpace,
  ListMyBookings,
  type DomainEvent,
  type RequestContext,
} from '@plass/contracts';
import { openSqliteEventStore, StreamStates, type SqliteEventStore } from '@plass/eventstore';
import { NatsKeyClient, Shredder } from '@plass/shredder';
import { toStored } from './app-support.js';
import { LedgerPseudonyms } from './ledger-pseudonym.js';
import { Ledgers } from './ledgers.js';
import { LAYOUT_STREAM, ledgerIndexStream, ledgerPeriodStream, scheduleStream, spaceStream } from './streams.js';
import { createTenant, registerUser, startBookingHarness, type BookingHarness, type TestTenant } from './test-support/harness.js';

const failure = (code: string) => expect.objectContaining({ error: expect.objectContaining({ code }) });

/**
 * A store written in the layout of before ADR 0018 — every booking in its space's stream, a
 * person's ledger in one stream — as that version wrote it (sealed bookers and ledger entries,
 * real keys from the vault), then the service started on it.
 */
describe('moving a store to day-bounded schedules and ledger periods (real NATS, SQLite, key vault)', () => {
  let h: BookingHarness;
  let tenant: TestTenant;
  let alice: { id: string; ctx: RequestContext };
  let bob: { id: string; ctx: RequestContext };
  let spaceId: string;
  let oldLedger: string;
  const held = { id: randomUUID(), start: '2030-03-05T08:00:00.000Z', end: '2030-03-05T10:00:00.000Z' };
  const cancelled = { id: randomUUID(), start: '2030-03-05T10:00:00.000Z', end: '2030-03-05T12:00:00.000Z' };
  const overnight = { id: randomUUID(), start: '2030-03-06T20:00:00.000Z', end: '2030-03-07T04:00:00.000Z' };
  const ended = { id: randomUUID(), start: '2030-03-01T08:00:00.000Z', end: '2030-03-01T09:00:00.000Z' };
  const eventsFile = () => join(h.dir.path, 'booking', 'events.db');

  const withStore = async <T>(use: (store: SqliteEventStore) => Promise<T>): Promise<T> => {
    const store = openSqliteEventStore({ file: eventsFile() });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };

  /** What the earlier version appended for Alice's bookings: BookingConfirmed (and a cancel) in the space's stream, entries in her one ledger. */
  const writeOldLayout = (store: SqliteEventStore) => async () => {
    const keys = new NatsKeyClient(h.client, { ttlMs: 30_000 });
    const shredder = new Shredder(keys);
    const ledgers = new Ledgers({ events: store, shredder, keys, pseudonyms: new LedgerPseudonyms(keys), states: new StreamStates(store), refoldAfterMs: 30_000 });
    const { tenantId } = tenant;
    const ctx = { tenantId, roles: [], correlationId: randomUUID() };
    const now = new Date('2030-02-20T08:00:00Z');
    const spaceStreamId = spaceStream(tenantId, spaceId);
    oldLedger = await ledgers.streamOf(tenantId, alice.id);
    const schedule: DomainEvent[] = [];
    const ledger: DomainEvent[] = [];
    for (const booking of [held, cancelled, overnight, ended]) {
      const data = { bookingId: booking.id, spaceId, kind: 'desk' as const, start: booking.start, end: booking.end, bookedBy: alice.id };
      const sealed = await shredder.encrypt(BookingConfirmed.data, data, { tenantId, subjectId: alice.id, period: bookingKeyPeriod(booking.end), aad: spaceStreamId });
      schedule.push({ type: 'BookingConfirmed', data: sealed } as DomainEvent);
      ledger.push(
        ...(await ledgers.seal([{ type: 'LedgerBookingAdded', data: { bookingId: booking.id, spaceId, start: booking.start, end: booking.end } }], {
          tenantId,
          bookedBy: alice.id,
          end: booking.end,
          streamId: oldLedger,
        })),
      );
    }
    schedule.push({ type: 'BookingCancelled', data: { bookingId: cancelled.id, spaceId, start: cancelled.start, end: cancelled.end } });
    ledger.push(
      ...(await ledgers.seal([{ type: 'LedgerBookingRemoved', data: { bookingId: cancelled.id } }], { tenantId, bookedBy: alice.id, end: cancelled.end, streamId: oldLedger })),
    );
    await store.appendToStream(spaceStreamId, toStored(schedule, ctx, spaceStreamId, now));
    await store.appendToStream(oldLedger, toStored(ledger, ctx, oldLedger, now));
    // The earlier version knew no layout marker: this store is one it wrote.
    await store.deleteStream(LAYOUT_STREAM);
  };

  beforeAll(async () => {
    h = await startBookingHarness();
    tenant = await createTenant(h);
    alice = await registerUser(h, tenant, 'Alice Liddell');
    bob = await registerUser(h, tenant, 'Bob Builder');
    const location = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] }, tenant.admin);
    spaceId = (await h.client.request(CreateSpace, { locationId: location.id, name: 'Desk 1', kind: 'desk' }, tenant.admin)).id;
    await h.settle();
    await h.restartBooking(() => withStore((store) => writeOldLayout(store)()));
    await h.settle();
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  const book = (who: { ctx: RequestContext }, start: string, end: string) => h.client.request(CreateBooking, { spaceId, start, end }, who.ctx);

  it('gives every booking that still holds its space and has not ended its slot in each UTC day it touches, and marks the store', async () => {
    await withStore(async (store) => {
      const slotsOf = async (day: string) =>
        (await store.readStream(scheduleStream(tenant.tenantId, spaceId, day))).map((event) => (event.data as { bookingId: string }).bookingId);
      expect(await slotsOf('2030-03-05')).toEqual([held.id]);
      expect(await slotsOf('2030-03-06')).toEqual([overnight.id]);
      expect(await slotsOf('2030-03-07')).toEqual([overnight.id]);
      expect(await slotsOf('2030-03-01')).toEqual([]);
      expect((await store.readStream(LAYOUT_STREAM)).map((event) => event.type)).toEqual(['BookingLayoutMigrated']);
    });
  });

  it('keeps the slots of the old bookings taken, and frees those given back', async () => {
    await expect(book(bob, '2030-03-05T09:00:00.000Z', '2030-03-05T09:30:00.000Z')).rejects.toEqual(failure('booking.conflict'));
    await expect(book(bob, '2030-03-07T02:00:00.000Z', '2030-03-07T03:00:00.000Z')).rejects.toEqual(failure('booking.conflict'));
    expect(await book(bob, '2030-03-05T10:00:00.000Z', '2030-03-05T11:00:00.000Z')).toMatchObject({ status: 'confirmed' });
  });

  it('moves a person’s ledger into periods the first time it is named, and lists their bookings from it', async () => {
    const { items } = await h.client.request(ListMyBookings, { from: '2030-03-01T00:00:00Z', to: '2030-03-10T00:00:00Z' }, alice.ctx);
    expect(items.map((item) => item.id).sort()).toEqual([held.id, overnight.id, ended.id].sort());
    await withStore(async (store) => {
      expect(await store.readStream(oldLedger)).toEqual([]);
      expect((await store.readStream(ledgerIndexStream(oldLedger))).map((event) => event.type)).toEqual(['LedgerPeriodOpened', 'BookingLayoutMigrated']);
      // The three entries in force, moved (the no-show release the service ran at start has since given back the ended one).
      const period = (await store.readStream(ledgerPeriodStream(oldLedger, '2030-03'))).map((event) => event.type);
      expect(period.slice(0, 3)).toEqual(['LedgerBookingAdded', 'LedgerBookingAdded', 'LedgerBookingAdded']);
      expect(period.filter((type) => type === 'LedgerBookingAdded')).toHaveLength(3);
    });
  });

  it('cancels an old booking in its space’s stream, which frees its slot', async () => {
    await h.client.request(CancelBooking, { bookingId: held.id }, alice.ctx);
    expect(await book(bob, '2030-03-05T08:00:00.000Z', '2030-03-05T09:00:00.000Z')).toMatchObject({ status: 'confirmed' });
    await withStore(async (store) => {
      const types = (await store.readStream(spaceStream(tenant.tenantId, spaceId))).map((event) => event.type);
      expect(types.at(-1)).toBe('BookingCancelled');
    });
  });

  it('does not scan the store again on the next start', async () => {
    await h.restartBooking(async () => {
      await withStore(async (store) => expect(await store.readStream(LAYOUT_STREAM)).toHaveLength(1));
    });
    await withStore(async (store) => expect(await store.readStream(LAYOUT_STREAM)).toHaveLength(1));
  });
});
