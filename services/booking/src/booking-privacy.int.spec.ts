import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelBooking,
  CancelSubjectBookings,
  ChangeBookingPolicy,
  ChangePrivacySettings,
  CreateBooking,
  CreateLocation,
  CreateSpace,
  DestroySubjectKeys,
  GetBooking,
  GetPrivacySettings,
  ListMyBookings,
  ListSpaceBookings,
  Streams,
  Subjects,
  exportSubject,
  type EventEnvelope,
  forgetSubject,
  type RequestContext,
} from '@plass/contracts';
import { envelopeFor, publishEvent } from '@plass/bus';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { createTenant, registerUser, startBookingHarness, type BookingHarness, type TestTenant } from './test-support/harness.js';
import { policySide, type PolicySide } from './test-support/policy-side.js';

const failure = (code: string) => expect.objectContaining({ error: expect.objectContaining({ code }) });
const START = '2030-03-04T07:00:00Z';
/** Monday 2030-03-04 + `day`, UTC. */
const at = (day: number, hour: number, minutes = 0) => new Date(Date.UTC(2030, 2, 4 + day, hour, minutes)).toISOString();
const ForgetBookingSubject = forgetSubject('booking');
const ExportBookingSubject = exportSubject('booking');

type User = { id: string; ctx: RequestContext };

describe('booking’s part in privacy (real NATS, SQLite, key vault, identity)', () => {
  let h: BookingHarness;
  const officer = (tenant: TestTenant): RequestContext => ({ ...tenant.admin, roles: ['privacy_officer'] });
  /** The privacy service's saga as booking sees it: tenant, no actor. */
  const saga = (tenant: TestTenant): RequestContext => ({ tenantId: tenant.tenantId, roles: [], correlationId: randomUUID() });

  beforeAll(async () => {
    h = await startBookingHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  async function office(tenant: TestTenant): Promise<string[]> {
    const { id: locationId } = await h.client.request(CreateLocation, { name: 'Oslo HQ', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5] }, tenant.admin);
    const spaces: string[] = [];
    for (const name of ['Desk A', 'Desk B']) spaces.push((await h.client.request(CreateSpace, { locationId, name, kind: 'desk' }, tenant.admin)).id);
    await h.settle();
    return spaces;
  }

  const book = (who: { ctx: RequestContext }, spaceId: string, start: string, end: string, extra: { subject?: string; onBehalfOf?: string } = {}) =>
    h.client.request(CreateBooking, { spaceId, start, end, ...extra }, who.ctx);

  async function atTime<T>(iso: string, run: () => Promise<T>): Promise<T> {
    h.clock.set(iso);
    try {
      return await run();
    } finally {
      h.clock.set(START);
    }
  }

  describe('retention', () => {
    let tenant: TestTenant;
    let keeping: TestTenant;
    let spaces: string[];
    let alice: User;

    beforeAll(async () => {
      tenant = await createTenant(h);
      keeping = await createTenant(h);
      spaces = await office(tenant);
      alice = await registerUser(h, tenant, 'Alice Liddell');
    }, 60_000);

    it('is a privacy setting next to visibility; a change takes any subset, admins only', async () => {
      expect(await h.client.request(GetPrivacySettings, {}, alice.ctx)).toEqual({
        bookingVisibility: 'user-choice-visible',
        anonymizeBookingsAfterDays: null,
        analyticsMinGroupSize: 5,
      });
      expect(await h.client.request(ChangePrivacySettings, { anonymizeBookingsAfterDays: 2 }, tenant.admin)).toEqual({
        bookingVisibility: 'user-choice-visible',
        anonymizeBookingsAfterDays: 2,
        analyticsMinGroupSize: 5,
      });
      expect(await h.client.request(ChangePrivacySettings, { bookingVisibility: 'everyone' }, tenant.admin)).toEqual({
        bookingVisibility: 'everyone',
        anonymizeBookingsAfterDays: 2,
        analyticsMinGroupSize: 5,
      });
      await expect(h.client.request(ChangePrivacySettings, { anonymizeBookingsAfterDays: null }, alice.ctx)).rejects.toEqual(failure('auth.forbidden'));
      expect(await h.client.request(GetPrivacySettings, {}, alice.ctx)).toEqual({ bookingVisibility: 'everyone', anonymizeBookingsAfterDays: 2, analyticsMinGroupSize: 5 });
    });

    it('anonymizes a day’s bookings once the day is N days past: times stay, the booker goes, profile keys stay', async () => {
      const carol = await registerUser(h, keeping, 'Carol Danvers');
      const [keptDesk] = await office(keeping);
      const tuesday = await book(alice, spaces[0]!, at(1, 8), at(1, 9), { subject: 'Retro with Zebedee' });
      const wednesday = await book(alice, spaces[0]!, at(2, 8), at(2, 9));
      const elsewhere = await book(carol, keptDesk!, at(1, 8), at(1, 9));
      await h.settle();
      const get = (bookingId: string, ctx: RequestContext) => h.client.request(GetBooking, { bookingId }, ctx);

      await atTime('2030-03-07T23:59:59.999Z', async () => {
        expect(await h.booking.runRetention()).toMatchObject({ destroyedKeys: 0 });
        expect(await get(tuesday.id, tenant.admin)).toMatchObject({ bookedBy: alice.id, subject: 'Retro with Zebedee', redacted: [] });
      });

      await atTime('2030-03-08T00:00:00Z', async () => {
        const round = await h.booking.runRetention();
        expect(round.destroyedKeys).toBeGreaterThan(0);
        expect(await get(tuesday.id, tenant.admin)).toEqual({
          id: tuesday.id,
          spaceId: spaces[0],
          kind: 'desk',
          start: at(1, 8),
          end: at(1, 9),
          status: 'confirmed',
          bookedBy: null,
          subject: null,
          redacted: expect.arrayContaining(['bookedBy', 'subject']),
          version: 0,
        });
        expect(await get(wednesday.id, alice.ctx)).toMatchObject({ bookedBy: alice.id, redacted: [] });
        expect(await get(elsewhere.id, carol.ctx)).toMatchObject({ bookedBy: carol.id, redacted: [] });
        // The ledger no longer links her to Tuesday either.
        const mine = await h.client.request(ListMyBookings, { from: at(0, 0), to: at(7, 0) }, alice.ctx);
        expect(mine.items.map((b) => b.id)).toEqual([wednesday.id]);
        expect(await h.booking.runRetention()).toMatchObject({ destroyedKeys: 0 });
      });

      // Her profile key is untouched: her name shows, and her limits ledger still works.
      const { items } = await h.client.request(ListSpaceBookings, { spaceId: spaces[0]!, from: at(1, 0), to: at(3, 0) }, tenant.admin);
      expect(items.map((slot) => slot.booker)).toEqual([null, 'Alice Liddell']);
      await book(alice, spaces[0]!, at(3, 8), at(3, 9));
      await expect(book(alice, spaces[1]!, at(3, 8, 30), at(3, 9, 30))).rejects.toEqual(failure('booking.concurrent_limit'));
    });

    it('stops once the setting is turned off', async () => {
      await h.client.request(ChangePrivacySettings, { anonymizeBookingsAfterDays: null }, tenant.admin);
      await h.settle();
      const booked = await book(alice, spaces[1]!, at(1, 10), at(1, 11));
      await h.settle();
      await atTime('2030-06-01T00:00:00Z', async () => {
        await h.booking.runRetention();
        expect(await h.client.request(GetBooking, { bookingId: booked.id }, alice.ctx)).toMatchObject({ bookedBy: alice.id, redacted: [] });
      });
    });
  });

  describe('erasure and export', () => {
    let tenant: TestTenant;
    let spaces: string[];
    let bob: User;
    let dora: User;
    /** Identity's UserRegistered for Bob, as booking consumed it: delivered again once he is forgotten. */
    let bobRegistered: EventEnvelope;

    beforeAll(async () => {
      tenant = await createTenant(h);
      spaces = await office(tenant);
      bob = await registerUser(h, tenant, 'Bob Builder');
      bobRegistered = await waitFor(
        async () => {
          const message = await h.client.jsm.streams.getMessage(Streams.events, { last_by_subj: Subjects.event(tenant.tenantId, 'identity', 'UserRegistered') }).catch(() => null);
          const envelope = message?.json<EventEnvelope>();
          return (envelope?.data as { userId?: string } | undefined)?.userId === bob.id ? envelope : undefined;
        },
        { what: 'Bob’s UserRegistered on JetStream', intervalMs: 25 },
      );
      dora = await registerUser(h, tenant, 'Dora Explorer');
    }, 60_000);

    it('exports the subject’s bookings, decrypted, and no one else’s', async () => {
      const lunch = await book(dora, spaces[1]!, at(1, 11), at(1, 12), { subject: 'Lunch with Zed' });
      const dropped = await book(dora, spaces[1]!, at(2, 11), at(2, 12));
      await book(bob, spaces[1]!, at(3, 11), at(3, 12));
      await h.settle();
      await h.client.request(CancelBooking, { bookingId: dropped.id }, dora.ctx);
      await h.settle();
      expect(await h.client.request(ExportBookingSubject, { subjectId: dora.id }, saga(tenant))).toEqual({
        service: 'booking',
        sections: {
          bookings: [
            { id: lunch.id, spaceId: spaces[1], spaceName: 'Desk B', kind: 'desk', start: at(1, 11), end: at(1, 12), status: 'confirmed', subject: 'Lunch with Zed' },
            { id: dropped.id, spaceId: spaces[1], spaceName: 'Desk B', kind: 'desk', start: at(2, 11), end: at(2, 12), status: 'cancelled', subject: null },
          ],
        },
      });
    });

    it('cancels every booking of the subject that has not ended, past the cutoff too, and deletes their ledger', async () => {
      await h.client.request(ChangeBookingPolicy, { cancellationCutoffMinutes: 24 * 60, adminsExempt: false }, tenant.admin);
      const finished = await book(bob, spaces[0]!, at(0, 8), at(0, 9));
      const running = await book(bob, spaces[0]!, at(0, 9, 30), at(0, 11));
      const tomorrow = await book(bob, spaces[0]!, at(1, 8), at(1, 9));
      await h.settle();
      const status = async (bookingId: string) => (await h.client.request(GetBooking, { bookingId }, tenant.admin)).status;

      await atTime(at(0, 10), async () => {
        await expect(h.client.request(CancelBooking, { bookingId: tomorrow.id }, bob.ctx)).rejects.toEqual(failure('booking.cancellation_too_late'));
        expect(await h.client.request(CancelSubjectBookings, { erasureId: randomUUID(), subjectId: bob.id }, saga(tenant))).toEqual({ cancelled: 3 });
        await h.settle();
        expect(await status(finished.id)).toBe('confirmed');
        expect(await status(running.id)).toBe('cancelled');
        expect(await status(tomorrow.id)).toBe('cancelled');
        const last = await h.client.jsm.streams.getMessage(Streams.events, { last_by_subj: Subjects.event(tenant.tenantId, 'booking', 'BookingCancelled') });
        expect(last!.json<{ data: unknown }>().data).toMatchObject({ reason: 'erasure' });

        // Identity has not deactivated him yet: booking fenced him itself, so no booking starts a new ledger.
        await expect(book({ ctx: tenant.admin }, spaces[1]!, at(1, 14), at(1, 15), { onBehalfOf: bob.id })).rejects.toEqual(failure('user.deactivated'));
        // Nor does he himself, with an access token that is still valid.
        await expect(book(bob, spaces[1]!, at(1, 16), at(1, 17))).rejects.toEqual(failure('user.deactivated'));
        await h.settle();
        expect((await h.client.request(ListMyBookings, { from: at(0, 0), to: at(7, 0) }, bob.ctx)).items).toEqual([]);
        expect(await h.client.request(CancelSubjectBookings, { erasureId: randomUUID(), subjectId: bob.id }, saga(tenant))).toEqual({ cancelled: 0 });
        await expect(book(dora, spaces[0]!, at(1, 8), at(1, 9))).resolves.toMatchObject({ status: 'confirmed' });
      });
    });

    it('finds the bookings an exempt admin made for the subject, in periods they opened without reading them', async () => {
      await h.client.request(ChangeBookingPolicy, { adminsExempt: true }, tenant.admin);
      const eve = await registerUser(h, tenant, 'Eve Exempt');
      // The first opens the month in Eve's ledger index; the second expects the month to exist.
      const first = await book({ ctx: tenant.admin }, spaces[0]!, at(2, 8), at(2, 9), { onBehalfOf: eve.id });
      const second = await book({ ctx: tenant.admin }, spaces[1]!, at(2, 8), at(2, 9), { onBehalfOf: eve.id });
      await h.settle();
      expect(await h.client.request(CancelSubjectBookings, { erasureId: randomUUID(), subjectId: eve.id }, saga(tenant))).toEqual({ cancelled: 2 });
      await h.settle();
      for (const booking of [first, second]) expect((await h.client.request(GetBooking, { bookingId: booking.id }, tenant.admin)).status).toBe('cancelled');
      expect(await h.client.request(CancelSubjectBookings, { erasureId: randomUUID(), subjectId: eve.id }, saga(tenant))).toEqual({ cancelled: 0 });
    });

    it('answers no receipt while it can still obtain the subject’s profile key, and forgets nothing', async () => {
      await expect(h.client.request(ForgetBookingSubject, { erasureId: randomUUID(), subjectId: dora.id }, saga(tenant))).rejects.toEqual(failure('service.unavailable'));
      await expect(book({ ctx: tenant.admin }, spaces[1]!, at(3, 14), at(3, 15), { onBehalfOf: dora.id })).resolves.toMatchObject({ bookedBy: dora.id });
    });

    it('forgets what it derived once the keys are gone, and answers the receipt', async () => {
      await h.client.request(DestroySubjectKeys, { subjectId: bob.id }, officer(tenant));
      await expect(book({ ctx: tenant.admin }, spaces[1]!, at(4, 8), at(4, 9), { onBehalfOf: bob.id })).rejects.toEqual(failure('user.deactivated'));
      h.clock.set('2030-03-04T12:34:56.000Z');
      try {
        const receipt = { service: 'booking', acknowledgedAt: '2030-03-04T12:34:56.000Z' };
        expect(await h.client.request(ForgetBookingSubject, { erasureId: randomUUID(), subjectId: bob.id }, saga(tenant))).toEqual(receipt);
        expect(await h.client.request(ForgetBookingSubject, { erasureId: randomUUID(), subjectId: bob.id }, saga(tenant))).toEqual(receipt);
      } finally {
        h.clock.set(START);
      }
      await expect(book({ ctx: tenant.admin }, spaces[1]!, at(4, 8), at(4, 9), { onBehalfOf: bob.id })).rejects.toEqual(failure('user.not_found'));
      expect(await h.client.request(CancelSubjectBookings, { erasureId: randomUUID(), subjectId: bob.id }, saga(tenant))).toEqual({ cancelled: 0 });
      expect(await h.client.request(ExportBookingSubject, { subjectId: bob.id }, saga(tenant))).toEqual({ service: 'booking', sections: { bookings: [] } });
      await h.settle();
      expect(scanForPlaintext(join(h.dir.path, 'booking'), [bob.id, dora.id, 'Lunch with Zed', 'Retro with Zebedee', 'Bob Builder'])).toEqual([]);
    });

    it('keeps a forgotten subject forgotten when identity’s events arrive late', async () => {
      const identity = { ctx: saga(tenant), context: 'identity' as const, streamId: bobRegistered.streamId, now: h.clock.now };
      await publishEvent(h.client, { ...bobRegistered, id: randomUUID() });
      await publishEvent(h.client, envelopeFor({ type: 'UserProfileChanged', data: { userId: bob.id, bookingVisibility: 'visible' } }, identity));
      await publishEvent(h.client, envelopeFor({ type: 'UserDeactivated', data: { userId: bob.id } }, identity));
      await h.settle();
      // An entry brought back would pass as an active user, and fail only later at his destroyed keys.
      await expect(book({ ctx: tenant.admin }, spaces[1]!, at(4, 8), at(4, 9), { onBehalfOf: bob.id })).rejects.toEqual(failure('user.not_found'));
    });
  });

  describe('privacy policy acknowledgement', () => {
    let tenant: TestTenant;
    let spaces: string[];
    let side: PolicySide;
    let dave: User;
    let erin: User;
    let frank: User;

    beforeAll(async () => {
      side = await policySide(h);
      tenant = await createTenant(h);
      spaces = await office(tenant);
      dave = await registerUser(h, tenant, 'Dave Grohl');
      erin = await registerUser(h, tenant, 'Erin Brockovich');
      frank = await registerUser(h, tenant, 'Frank Zappa');
    }, 60_000);

    it('asks nothing where no policy requires acknowledgement', async () => {
      await book(dave, spaces[0]!, at(1, 8), at(1, 9));
      await side.publish(tenant, 'v1', false);
      await book(erin, spaces[0]!, at(1, 9), at(1, 10));
      expect(side.asked()).toBe(0);
    });

    it('refuses a booker who has not acknowledged a requiring policy, and books once they have', async () => {
      await side.publish(tenant, 'v2', true);
      await expect(book(dave, spaces[0]!, at(2, 8), at(2, 9))).rejects.toEqual(failure('privacy.policy_not_acknowledged'));
      expect(side.asked()).toBe(1);
      await side.acknowledge(dave, 'v2');
      await expect(book(dave, spaces[0]!, at(2, 8), at(2, 9))).resolves.toMatchObject({ status: 'confirmed' });
      expect(side.asked()).toBe(1);
    });

    it('never refuses an acknowledgement booking has not seen yet', async () => {
      await side.acknowledge(erin, 'v2', { projected: false });
      await expect(book(erin, spaces[1]!, at(2, 8), at(2, 9))).resolves.toMatchObject({ status: 'confirmed' });
    });

    it('checks the person booked for, not the admin booking for them', async () => {
      await expect(book({ ctx: tenant.admin }, spaces[1]!, at(3, 8), at(3, 9), { onBehalfOf: frank.id })).rejects.toEqual(failure('privacy.policy_not_acknowledged'));
      await expect(book({ ctx: tenant.admin }, spaces[1]!, at(3, 8), at(3, 9), { onBehalfOf: dave.id })).resolves.toMatchObject({ bookedBy: dave.id });
    });

    it('asks again for a newer version that requires it', async () => {
      await side.publish(tenant, 'v3', true);
      await expect(book(dave, spaces[0]!, at(4, 8), at(4, 9))).rejects.toEqual(failure('privacy.policy_not_acknowledged'));
      await side.publish(tenant, 'v4', false);
      const asked = side.asked();
      await expect(book(frank, spaces[0]!, at(4, 8), at(4, 9))).resolves.toMatchObject({ status: 'confirmed' });
      expect(side.asked()).toBe(asked);
    });
  });
});
