import {
  BookingConfirmed,
  BookingRescheduled,
  DomainFailure,
  bookingKeyPeriod,
  isRedacted,
  type BookingView,
  type DomainEvent,
  type EditBooking,
  type RequestContext,
  type RequestOf,
} from '@plass/contracts';
import { decideOnStreams, type EventStore, type StreamAppend, type StreamStates } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import { actorOf, toStored } from '../app-support.js';
import { emptyLedger, foldedOccupancy, scheduleOf, type BookingStreams, type Home, type Loaded } from '../bookings/booking-streams.js';
import type { LedgerName, Ledgers, LoadedLedger } from '../ledgers.js';
import type { PolicyGate } from '../policy-gate.js';
import {
  beyondHardLimits,
  bookedOccupancyDays,
  exemptFromPolicy,
  isAdmin,
  occupancyDays,
  slotBookings,
  slotDays,
  type Occupancy,
  type ScheduledBooking,
  type Slots,
  type Space,
} from '../rules/index.js';
import { ledgerPeriodOf, occupancyStream, scheduleStream } from '../streams.js';
import { decideEdit, type EditInputs, type EditWrites } from './decide-edit.js';

export interface EditAppDeps {
  events: EventStore;
  shredder: Shredder;
  ledgers: Ledgers;
  policyGate: PolicyGate;
  states: StreamStates;
  now: () => Date;
}

/** Day → stream of one space's slots, or of one location's occupancy. */
type DayStreams = Map<string, string>;

/** What an edit read besides the decider's inputs: every stream at the revision its append expects. */
interface EditRead extends EditInputs {
  home: Home;
  now: Date;
  /** The slot days of the old and the new space, each stream once. */
  days: Array<Loaded<Slots>>;
  occupancy: Array<Loaded<Occupancy>>;
  streams: { slots: { previous: DayStreams; next: DayStreams }; occupancy: { previous: DayStreams; next: DayStreams } };
  ledger?: { name: LedgerName; previous: LoadedLedger; next: LoadedLedger; nextMonth: string } | undefined;
  subject: string | undefined;
}

const locationOf = (space: Space) => (space.status === 'none' ? undefined : space.locationId);
const dayStreams = (days: string[], name: (day: string) => string): DayStreams => new Map(days.map((day) => [day, name(day)]));
/** The loaded streams among `streams`, by day. */
const loadedOf = <S>(loaded: Array<Loaded<S>>, streams: DayStreams): Array<[string, Loaded<S>]> =>
  [...streams].flatMap(([day, streamId]) => {
    const found = loaded.find((one) => one.streamId === streamId);
    return found ? [[day, found] as [string, Loaded<S>]] : [];
  });

/**
 * Editing a booking (issue 19): one decision over the booking's own stream (expected at the
 * version the client named, `If-Match`), the slot days of its old and new space, its booker's
 * ledger months and the old and new location days, appended atomically — the old slot is given
 * back in the same append that takes the new one, or not at all.
 */
export class EditApp {
  constructor(
    private readonly deps: EditAppDeps,
    private readonly streams: BookingStreams,
  ) {}

  async editBooking(request: RequestOf<typeof EditBooking>, ctx: RequestContext): Promise<BookingView> {
    const actor = actorOf(ctx);
    const { tenantId } = ctx;
    const doc = await this.streams.bookingDocument(request.bookingId, tenantId);
    const { moved, version } = await decideOnStreams(
      this.deps.events,
      {
        load: () => this.load(request, doc.spaceId, ctx),
        decide: (read) => decideEdit({ ...request, actor, now: read.now.toISOString() }, read),
        append: async (writes, read) => {
          const appends = await this.appendsOf(writes, read, ctx);
          const changed = appends.some((append) => append.events.length > 0);
          return {
            appends,
            result: { moved: changed ? writes.booking[0] : undefined, version: read.version + (changed ? 1 : 0) },
            // An edit moves streams `BookingStreams.remember` does not follow (two months, two spaces): the next decision reads them.
            appended: () => this.deps.states.forget(appends.map((append) => append.streamId)),
          };
        },
      },
      { states: this.deps.states },
    );
    const view = await this.streams.view(doc, tenantId);
    if (moved?.type !== 'BookingRescheduled') return { ...view, version };
    const { spaceId, kind, start, end } = moved.data;
    return { ...view, spaceId, kind, start, end, version };
  }

  private async load(request: RequestOf<typeof EditBooking>, legacySpaceId: string, ctx: RequestContext): Promise<EditRead> {
    const { tenantId } = ctx;
    const now = this.deps.now();
    const home = await this.streams.readHome(tenantId, request.bookingId, legacySpaceId);
    const booking = await this.streams.bookingOf(home, request.bookingId, tenantId);
    // The booking's version: the revision of its own stream (for a booking of before ADR 0018, of its events in its space's stream).
    const version = Math.max(home.events.length - 1, 0);
    const previousSpaceId = booking?.spaceId ?? legacySpaceId;
    const spaceId = request.spaceId ?? previousSpaceId;
    const [previousSpace, space, policy] = await Promise.all([
      this.streams.loadSpace(tenantId, previousSpaceId),
      this.streams.loadSpace(tenantId, spaceId),
      this.streams.loadPolicy(tenantId),
    ]);
    const [previousLocation, location] = await Promise.all([this.streams.loadLocation(tenantId, previousSpace), this.streams.loadLocation(tenantId, space)]);
    const none: DayStreams = new Map();
    const base: EditRead = {
      home,
      now,
      booking,
      version,
      subject: undefined,
      days: [],
      occupancy: [],
      streams: { slots: { previous: none, next: none }, occupancy: { previous: none, next: none } },
      records: { slotDays: [], ledger: false, occupancyDays: [], locationId: undefined },
      target: { schedule: scheduleOf(space, [], undefined), location, ledger: emptyLedger(), occupancy: foldedOccupancy([]), policy },
    };
    // Not the actor's, a stale version, or no longer movable: the decider answers that from the booking alone, before any other rule.
    const actor = actorOf(ctx);
    const mine = booking?.bookedBy === actor.userId || isAdmin(actor);
    if (!movable(booking, now) || !mine || (request.expectedVersion !== undefined && request.expectedVersion !== version)) return base;
    const start = request.start ?? booking.start;
    const end = request.end ?? booking.end;
    const outOfBounds = beyondHardLimits({ start, end, now: now.toISOString() });
    if (outOfBounds) throw new DomainFailure(outOfBounds);
    await Promise.all([this.deps.policyGate.requireAcknowledged(ctx, booking.bookedBy), this.deps.policyGate.requireNotRestricted(ctx, booking.bookedBy)]);

    const timed = Date.parse(end) > Date.parse(start);
    const slots = {
      previous: dayStreams(slotDays(booking.start, booking.end), (day) => scheduleStream(tenantId, previousSpaceId, day)),
      next: dayStreams(timed ? slotDays(start, end) : [], (day) => scheduleStream(tenantId, spaceId, day)),
    };
    const previousLocationId = locationOf(previousSpace);
    const nextLocationId = locationOf(space);
    const occupancyDaysOf = {
      previous: previousLocationId ? bookedOccupancyDays(booking, { schedule: scheduleOf(previousSpace, [], booking), location: previousLocation }) : [],
      next: timed && nextLocationId ? occupancyDays(space, location, start, end) : [],
    };
    const occupancyStreams = {
      previous: dayStreams(occupancyDaysOf.previous, (day) => occupancyStream(tenantId, previousLocationId!, day)),
      next: dayStreams(occupancyDaysOf.next, (day) => occupancyStream(tenantId, nextLocationId!, day)),
    };
    const [previousDays, days, previousOccupancy, occupancy] = await Promise.all([
      this.streams.loadDays(tenantId, previousSpaceId, [...slots.previous.keys()]),
      this.streams.loadDays(tenantId, spaceId, newOnes(slots.next, slots.previous)),
      this.streams.loadOccupancy(tenantId, previousSpace, occupancyDaysOf.previous),
      this.streams.loadOccupancy(tenantId, space, newOnes(occupancyStreams.next, occupancyStreams.previous)),
    ]);
    const allDays = [...previousDays, ...days];
    const allOccupancy = [...previousOccupancy, ...occupancy];

    const exempt = exemptFromPolicy(actor, policy);
    const name = await this.deps.ledgers.ledgerOf(tenantId, booking.bookedBy);
    const previousMonth = ledgerPeriodOf(booking.start);
    const nextMonth = ledgerPeriodOf(timed ? start : booking.start);
    const limits = await this.streams.loadLimits(name, timed ? start : booking.start, now, exempt ? undefined : policy, false);
    const [previous] = previousMonth === nextMonth ? [limits.target.period] : await this.deps.ledgers.periods(name, [previousMonth]);

    const otherSlots = slotBookings(loadedOf(allDays, slots.next).map(([, day]) => day.state)).filter(([id]) => id !== booking.id);
    const nextOccupancy = foldedOccupancy(loadedOf(allOccupancy, occupancyStreams.next).map(([, day]) => day));
    return {
      ...base,
      subject: await this.subjectOf(home, tenantId),
      days: allDays,
      occupancy: allOccupancy,
      streams: { slots, occupancy: occupancyStreams },
      ledger: { name, previous: previous!, next: limits.target.period, nextMonth },
      records: {
        slotDays: loadedOf(allDays, slots.previous).flatMap(([day, loaded]) => (loaded.state.held.has(booking.id) ? [day] : [])),
        ledger: previous!.state.bookings.has(booking.id),
        occupancyDays: loadedOf(allOccupancy, occupancyStreams.previous).flatMap(([day, loaded]) => (loaded.state.bookings.has(booking.id) ? [day] : [])),
        locationId: previousLocationId,
      },
      target: {
        schedule: scheduleOf(space, otherSlots, undefined),
        location,
        ledger: { bookings: limits.folded.bookings.remove(booking.id) },
        occupancy: { bookings: nextOccupancy.bookings.remove(booking.id) },
        policy,
      },
    };
  }

  /** The booking's title as sealed last (confirmed or moved), decrypted to be sealed again under the new end day's key. */
  private async subjectOf(home: Home, tenantId: string): Promise<string | undefined> {
    const sealed = home.events.findLast((event) => event.type === 'BookingConfirmed' || event.type === 'BookingRescheduled');
    const subject = (sealed?.data as { subject?: unknown } | undefined)?.subject;
    if (subject === undefined) return undefined;
    const { data } = await this.deps.shredder.decrypt(BookingConfirmed.data.pick({ subject: true }), { subject }, { tenantId, aad: home.streamId });
    return isRedacted(data.subject) ? undefined : data.subject;
  }

  private async appendsOf(writes: EditWrites, read: EditRead, ctx: RequestContext): Promise<StreamAppend[]> {
    const [rescheduled] = writes.booking;
    if (rescheduled?.type !== 'BookingRescheduled') return [];
    const { booking, home, now, ledger, streams } = read;
    const bookedBy = booking?.bookedBy;
    if (!bookedBy || !ledger) throw new Error('an edit was decided without its booking or ledger');
    const { tenantId } = ctx;
    const { end, bookingId } = rescheduled.data;
    const stored = (events: DomainEvent[], streamId: string) => toStored(events, ctx, streamId, now);
    const clear = { ...rescheduled.data, ...(read.subject === undefined ? {} : { subject: read.subject }) };
    const [sealed, removed, added] = await Promise.all([
      this.deps.shredder.encrypt(BookingRescheduled.data, clear, { tenantId, subjectId: bookedBy, period: bookingKeyPeriod(end), aad: home.streamId }),
      // Each entry under its own booking's key: the removal under the old end day's, as the entry it removes.
      this.deps.ledgers.seal(writes.ledger.remove ? [{ type: 'LedgerBookingRemoved', data: { bookingId } }] : [], {
        tenantId,
        bookedBy,
        end: booking.end,
        streamId: ledger.previous.streamId,
      }),
      this.deps.ledgers.seal(writes.ledger.add, { tenantId, bookedBy, end, streamId: ledger.next.streamId }),
    ]);
    const appends: StreamAppend[] = [
      { streamId: home.streamId, expectedRevision: home.expectedRevision, events: stored([{ type: 'BookingRescheduled', data: sealed } as DomainEvent], home.streamId) },
    ];

    const held = new Set(writes.slots.hold.map((day) => streams.slots.next.get(day)));
    const freed = new Set(writes.slots.free.map((day) => streams.slots.previous.get(day)));
    for (const day of read.days) {
      const events: DomainEvent[] = held.has(day.streamId) && writes.slots.held ? [writes.slots.held] : freed.has(day.streamId) ? [{ type: 'SlotFreed', data: { bookingId } }] : [];
      appends.push({ streamId: day.streamId, expectedRevision: day.expectedRevision, events: stored(events, day.streamId) });
    }

    if (ledger.previous.streamId === ledger.next.streamId) {
      appends.push({ streamId: ledger.next.streamId, expectedRevision: ledger.next.expectedRevision, events: stored([...removed, ...added], ledger.next.streamId) });
    } else {
      appends.push({ streamId: ledger.previous.streamId, expectedRevision: ledger.previous.expectedRevision, events: stored(removed, ledger.previous.streamId) });
      appends.push({ streamId: ledger.next.streamId, expectedRevision: ledger.next.expectedRevision, events: stored(added, ledger.next.streamId) });
      if (ledger.next.opens) {
        const index = this.deps.ledgers.indexAppend(ledger.name, ledger.nextMonth);
        appends.push({ ...index, events: stored(index.events, index.streamId) });
      }
    }

    const taken = new Set(writes.occupancy.take.map((day) => streams.occupancy.next.get(day)));
    const given = new Set(writes.occupancy.free.map((day) => streams.occupancy.previous.get(day)));
    for (const day of read.occupancy) {
      const events: DomainEvent[] = taken.has(day.streamId) ? writes.occupancy.events : given.has(day.streamId) ? [{ type: 'OccupancyRemoved', data: { bookingId } }] : [];
      appends.push({ streamId: day.streamId, expectedRevision: day.expectedRevision, events: stored(events, day.streamId) });
    }
    return appends;
  }
}

/** A booking the decider may move: it has a readable booker, holds its slot, and has not started. */
function movable(booking: ScheduledBooking | undefined, now: Date): booking is ScheduledBooking & { bookedBy: string } {
  return booking?.bookedBy !== undefined && booking.status === 'confirmed' && Date.parse(booking.start) > now.getTime();
}

/** The days of `wanted` whose stream `loaded` does not name already (a day of the same space or location, old and new). */
function newOnes(wanted: DayStreams, loaded: DayStreams): string[] {
  const names = new Set(loaded.values());
  return [...wanted].flatMap(([day, streamId]) => (names.has(streamId) ? [] : [day]));
}
