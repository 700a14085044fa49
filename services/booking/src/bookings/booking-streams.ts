import {
  BOOKING_HARD_LIMITS,
  BookingConfirmed,
  bookingKeyPeriod,
  DomainFailure,
  domainError,
  isRedacted,
  type BookingView,
  type DomainEvent,
  type EventData,
  type RequestContext,
} from '@plass/contracts';
import {
  evolverOf,
  type EventStore,
  type ExpectedRevision,
  type LoadedState,
  type MultiAppendResult,
  type RecordedEvent,
  type StreamAppend,
  type StreamStates,
} from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { toStored } from '../app-support.js';
import type { LedgerName, Ledgers, LoadedLedger } from '../ledgers.js';
import { locationEvolver, policyEvolver } from '../places-app.js';

import { BOOKINGS, type BookingDocument } from '../read-model.js';
import {
  evolveOccupancy,
  evolveSchedule,
  evolveSlots,
  evolveSpace,
  initialLocation,
  initialOccupancy,
  initialSchedule,
  initialSlots,
  initialSpace,
  Keyed,
  slotEventsFor,
  type BookingWrites,
  type Ledger,
  type Location,
  type Occupancy,
  type Policy,
  type Schedule,
  type ScheduledBooking,
  type Slots,
  type Space,
} from '../rules/index.js';
import { USERS, userDocumentId, type UserDocument } from '../users-directory.js';
import { bookingStream, ledgerPeriodOf, ledgerPeriodsBetween, locationStream, occupancyStream, policyStream, scheduleStream, spaceStream } from '../streams.js';
export interface BookingStreamsDeps {
  events: EventStore;
  readModel: ProjectionStore;
  shredder: Shredder;
  ledgers: Ledgers;
  /** Folded streams kept between commands (ADR 0009). */
  states: StreamStates;
}

/**
 * Locations and spaces change rarely, and only through PlacesApp, which forgets them here: a
 * replica sees another replica's change within a second (ADR 0009, ADR 0018). The tenant's policy is read to its end.
 */
export const RULES = { maxAgeMs: 1_000 };
export const DAY = 86_400_000;
export const MAX_DURATION_MS = BOOKING_HARD_LIMITS.maxDurationMinutes * 60_000;
const occupancyEvolver = { ...evolverOf(initialOccupancy, evolveOccupancy), weigh: (occupancy: Occupancy) => occupancy.bookings.size + 1 };
const slotsEvolver = { ...evolverOf(initialSlots, evolveSlots), weigh: (slots: Slots) => slots.held.size + 1 };
/** A space's stream folded to the space alone: bookings in stores from before ADR 0018 are skipped. */
const spaceEvolver = evolverOf<Space>(initialSpace, evolveSpace);

export type Loaded<S> = LoadedState<S> & { streamId: string };

/**
 * A booking's own stream as read: `booking-…`, or for a booking made before ADR 0018 the space's
 * stream it was confirmed in (its events only, the revision the whole stream's).
 */
export interface Home {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: RecordedEvent[];
}

/** The ledger period a decision writes to, and whether it opens it (the index then names it). */
export interface LedgerTarget {
  name: LedgerName;
  /** The UTC month (`2030-03`) and its stream as loaded. */
  month: string;
  period: LoadedLedger;
}

/** What a decision read, each stream at the revision its append expects. */
export interface ReadStreams {
  home: Home;
  days: Array<Loaded<Slots>>;
  ledger?: LedgerTarget | undefined;
  occupancy: Array<Loaded<Occupancy>>;
}

/**
 * The booking streams a use case reads and writes (ADR 0018), through the cache (ADR 0009): every
 * feature folder of bookings loads with these and appends with `appendsOf`; the rules stay plain.
 */
export class BookingStreams {
  constructor(private readonly deps: BookingStreamsDeps) {}

  /** Resolves once what this process committed is in the read model (its relay's `idle`); unset until the relay runs. */
  private ownEventsProjected: (() => Promise<void>) | undefined;

  /**
   * The relay feeding the read model runs: a booking this replica just made is found before its
   * relay's next batch. A relay that stopped (shutdown) waits for nothing: the lookup answers as
   * the read model stands.
   */
  projectsThrough(relay: { idle(): Promise<void> }): void {
    this.ownEventsProjected = () => relay.idle().catch(() => undefined);
  }

  /** Waits until what this process committed is in the read model; false when no relay runs (nothing to wait for). */
  async ownEventsInReadModel(): Promise<boolean> {
    if (!this.ownEventsProjected) return false;
    await this.ownEventsProjected();
    return true;
  }

  async view(doc: BookingDocument, tenantId: string): Promise<BookingView> {
    const sealed = { bookedBy: doc.bookedBy, ...(doc.subject ? { subject: doc.subject } : {}) };
    const { data, redacted } = await this.deps.shredder.decrypt(BookingConfirmed.data, sealed, { tenantId, aad: doc.streamId });
    const reveal = (value: unknown) => (value === undefined || isRedacted(value) ? null : (value as string));
    return {
      id: doc.id,
      spaceId: doc.spaceId,
      kind: doc.kind,
      start: doc.start,
      end: doc.end,
      status: doc.status,
      bookedBy: reveal(data.bookedBy),
      subject: reveal(data.subject),
      redacted,
      version: doc.version ?? (await this.versionOf(doc)),
    };
  }

  /** A document projected before it counted its versions: the booking's own events, read (for one of before ADR 0018, in its space's stream). */
  private async versionOf(doc: BookingDocument): Promise<number> {
    return Math.max((await this.readHome(doc.tenantId, doc.id, doc.spaceId)).events.length - 1, 0);
  }

  /**
   * The read model's booking. Not there yet, it may still be in this replica's outbox (the relay
   * gathers a steady load into batches): once the relay has projected what this process
   * committed, it is read again, so whoever made a booking can read, cancel or check in at once.
   */
  async bookingDocument(bookingId: string, tenantId: string): Promise<BookingDocument> {
    let doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    if (!doc && this.ownEventsProjected) {
      await this.ownEventsProjected();
      doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    }
    if (!doc || doc.tenantId !== tenantId) throw new DomainFailure(domainError('booking.not_found', 'no such booking'));
    return doc;
  }

  /**
   * Moves the cached states of the streams just written on, so the next booking of the same space,
   * person or day reads and decrypts nothing it wrote itself (ADR 0009). The ledger folds the
   * clear entries that were sealed, as a load would after decrypting them. A booking's own
   * stream is not cached: only its commands read it.
   */
  remember(written: MultiAppendResult, appends: StreamAppend[], read: ReadStreams, clearLedger: DomainEvent[], tenantId: string): void {
    const { states, ledgers } = this.deps;
    for (const { streamId, nextExpectedRevision } of written.streams) {
      const events = appends.find((append) => append.streamId === streamId)?.events ?? [];
      if (streamId === read.ledger?.period.streamId) {
        ledgers.appended(tenantId, read.ledger.period, clearLedger, events, nextExpectedRevision);
        continue;
      }
      const day = read.days.find((loaded) => loaded.streamId === streamId);
      if (day) {
        states.appended(streamId, slotsEvolver, day, events, nextExpectedRevision);
        continue;
      }
      const occupied = read.occupancy.find((loaded) => loaded.streamId === streamId);
      if (occupied) states.appended(streamId, occupancyEvolver, occupied, events, nextExpectedRevision);
    }
  }

  /**
   * A new booking's writes, sealed for its streams: the booker (and title) of its
   * `BookingConfirmed` with the booker's key for its end day and its own stream as associated data,
   * its ledger entry with the same key and its period stream. Answers the confirmation in clear too.
   */
  async sealNewBooking(
    writes: BookingWrites,
    booking: { tenantId: string; bookedBy: string; home: Home; ledgerStreamId: string },
  ): Promise<{ confirmed: EventData<'BookingConfirmed'>; sealed: { schedule: DomainEvent[]; ledger: DomainEvent[] } }> {
    const { tenantId, bookedBy, home, ledgerStreamId } = booking;
    const confirmed = writes.schedule.find((event) => event.type === 'BookingConfirmed');
    if (confirmed?.type !== 'BookingConfirmed') throw new Error('a new booking was decided without BookingConfirmed');
    const { end } = confirmed.data;
    const [sealedBooking, ledger] = await Promise.all([
      this.deps.shredder.encrypt(BookingConfirmed.data, confirmed.data, { tenantId, subjectId: bookedBy, period: bookingKeyPeriod(end), aad: home.streamId }),
      this.deps.ledgers.seal(writes.ledger, { tenantId, bookedBy, end, streamId: ledgerStreamId }),
    ]);
    const schedule = writes.schedule.map((event) => (event === confirmed ? ({ type: event.type, data: sealedBooking } as DomainEvent) : event));
    return { confirmed: confirmed.data, sealed: { schedule, ledger } };
  }

  /** Booking for someone else: they must be a known, active user (else the vault would mint keys for any id). */
  async requireActiveUser(tenantId: string, userId: string): Promise<void> {
    const user = await this.deps.readModel.get<UserDocument>(USERS, userDocumentId(tenantId, userId));
    if (!user || user.tenantId !== tenantId) throw new DomainFailure(domainError('user.not_found', 'no such user'));
    if (!user.active) throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
  }

  async loadSpace(tenantId: string, spaceId: string): Promise<Space> {
    return (await this.deps.states.load(spaceStream(tenantId, spaceId), spaceEvolver, RULES)).state;
  }

  async loadLocation(tenantId: string, space: Space): Promise<Location> {
    if (space.status === 'none' || space.locationId === undefined) return initialLocation;
    return (await this.deps.states.load(locationStream(tenantId, space.locationId), locationEvolver, RULES)).state;
  }

  async loadPolicy(tenantId: string): Promise<Policy> {
    // Read to its end on every decision (events since the cached revision: usually none), so a
    // policy another replica saved is in force at once.
    return (await this.deps.states.load(policyStream(tenantId), policyEvolver)).state;
  }

  loadDays(tenantId: string, spaceId: string, days: string[], optimistic = false): Promise<Array<Loaded<Slots>>> {
    return Promise.all(
      days.map(async (day) => {
        const streamId = scheduleStream(tenantId, spaceId, day);
        return { ...(await this.deps.states.load(streamId, slotsEvolver, { optimistic })), streamId };
      }),
    );
  }

  /**
   * The booker's ledger as the limits need it (ADR 0018): the periods of every booking that may
   * not have ended yet and may start within the policy's horizon — from the longest duration
   * before now to `maxDaysInAdvance` after it — or, when no limit applies (`policy` undefined:
   * an exempt admin's edit, which must find the entry it moves), only the period the booking is
   * written to. A new exempt booking reads none (`unreadLimits`).
   */
  async loadLimits(name: LedgerName, start: string, now: Date, policy: Policy | undefined, optimistic: boolean): Promise<{ folded: Ledger; target: LedgerTarget }> {
    const target = ledgerPeriodOf(start);
    const horizon = policy ? ledgerPeriodsBetween(now.getTime() - MAX_DURATION_MS, now.getTime() + policy.maxDaysInAdvance * DAY) : [];
    const periods = [...new Set([target, ...horizon])];
    const loaded = await this.deps.ledgers.periods(name, periods, optimistic);
    const period = loaded[0]!;
    const folded = loaded.length === 1 ? period.state : { bookings: Keyed.from(loaded.flatMap((one) => one.state.bookings.entries())) };
    return { folded, target: { name, month: target, period } };
  }

  /** An exempt booking's ledger: only the period it writes to, unread (`Ledgers.unread`); no limit counts it. */
  async unreadLimits(name: LedgerName, start: string): Promise<{ folded: Ledger; target: LedgerTarget }> {
    const month = ledgerPeriodOf(start);
    const [period] = await this.deps.ledgers.unread(name, [month]);
    return { folded: emptyLedger(), target: { name, month, period: period! } };
  }

  async loadOccupancy(tenantId: string, space: Space, days: string[], optimistic = false): Promise<Array<Loaded<Occupancy>>> {
    if (space.status === 'none' || space.locationId === undefined) return [];
    const locationId = space.locationId;
    return Promise.all(
      days.map(async (day) => {
        const streamId = occupancyStream(tenantId, locationId, day);
        return { ...(await this.deps.states.load(streamId, occupancyEvolver, { optimistic })), streamId };
      }),
    );
  }

  /**
   * The booking's own stream. `legacySpaceId`: a booking made before ADR 0018 lives in its
   * space's stream; commands on an existing booking name the space, so it is found there too.
   */
  async readHome(tenantId: string, bookingId: string, legacySpaceId?: string): Promise<Home> {
    const streamId = bookingStream(tenantId, bookingId);
    const events = await this.deps.events.readStream(streamId);
    if (events.length > 0 || legacySpaceId === undefined) return { streamId, expectedRevision: events.at(-1)?.revision ?? 'no_stream', events };
    const legacyId = spaceStream(tenantId, legacySpaceId);
    const all = await this.deps.events.readStream(legacyId);
    const mine = all.filter((event) => (event.data as { bookingId?: unknown }).bookingId === bookingId);
    if (mine.length === 0) return { streamId, expectedRevision: 'no_stream', events: [] };
    return { streamId: legacyId, expectedRevision: all.at(-1)!.revision, events: mine };
  }

  /** The booking its stream holds, its booker decrypted (absent when shredded, so only an admin may act on it). */
  async bookingOf(home: Home, bookingId: string, tenantId: string): Promise<ScheduledBooking | undefined> {
    const folded = home.events.reduce((state, event) => evolveSchedule(state, { type: event.type, data: event.data } as DomainEvent), initialSchedule).bookings.get(bookingId);
    const confirmed = home.events.find((event) => event.type === 'BookingConfirmed');
    if (!folded || !confirmed) return undefined;
    // An edit seals the booker again, under the key of the booking's new end day.
    const sealed = (
      (home.events.findLast((event) => event.type === 'BookingRescheduled' && (event.data as { bookedBy?: unknown }).bookedBy !== undefined) ?? confirmed).data as {
        bookedBy?: unknown;
      }
    ).bookedBy;
    const { data } = await this.deps.shredder.decrypt(BookingConfirmed.data, { bookedBy: sealed }, { tenantId, aad: home.streamId });
    const { bookedBy: _sealed, ...booking } = folded;
    return isRedacted(data.bookedBy) || data.bookedBy === undefined ? booking : { ...booking, bookedBy: data.bookedBy };
  }
}

/** The stream of a booking not made yet. */
export const newHome = (tenantId: string, bookingId: string): Home => ({ streamId: bookingStream(tenantId, bookingId), expectedRevision: 'no_stream', events: [] });

export const emptyLedger = (): Ledger => ({ bookings: Keyed.empty() });

/** What a decider sees of a space: the space, the slots of the days in question, and the booking in question with its booker (last, so it wins). */
export function scheduleOf(space: Space, slots: Array<[string, ScheduledBooking]>, booking: ScheduledBooking | undefined): Schedule {
  return { space, bookings: Keyed.from(booking ? [...slots, [booking.id, booking] as [string, ScheduledBooking]] : slots) };
}

/**
 * Several days of a location at once: a booking spanning days is in each day's state, and counts
 * once. One day is its own state: copying it per booking cost O(bookings that day).
 */
export function foldedOccupancy(days: Array<LoadedState<Occupancy>>): Occupancy {
  if (days.length === 1) return days[0]!.state;
  return { bookings: Keyed.from(days.flatMap((day) => day.state.bookings.entries())) };
}

/**
 * A decision's writes as appends: the booking's events to its own stream, the slots they hold or
 * free to each day's schedule, the ledger entry to its period (opening it in the index when
 * new), occupancy to each day. `sealed` replaces what was sealed (the booker, the ledger entry).
 */
export function appendsOf(
  writes: BookingWrites,
  sealed: { schedule?: DomainEvent[]; ledger?: DomainEvent[] },
  read: ReadStreams,
  ledgers: Pick<Ledgers, 'indexAppend'>,
  ctx: RequestContext,
  now: Date,
): StreamAppend[] {
  const { home } = read;
  const appends: StreamAppend[] = [
    { streamId: home.streamId, expectedRevision: home.expectedRevision, events: toStored(sealed.schedule ?? writes.schedule, ctx, home.streamId, now) },
  ];
  const { hold, free } = slotEventsFor(writes.schedule);
  const bookingId = (writes.schedule[0]?.data as { bookingId?: string } | undefined)?.bookingId;
  for (const day of read.days) {
    const events: DomainEvent[] = hold ? [hold] : free && bookingId !== undefined && day.state.held.has(bookingId) ? [{ type: 'SlotFreed', data: { bookingId } }] : [];
    appends.push({ streamId: day.streamId, expectedRevision: day.expectedRevision, events: toStored(events, ctx, day.streamId, now) });
  }
  if (writes.ledger.length > 0) {
    if (!read.ledger) throw new Error('a decision wrote a ledger that was not read');
    const { name, month, period } = read.ledger;
    appends.push({ streamId: period.streamId, expectedRevision: period.expectedRevision, events: toStored(sealed.ledger ?? writes.ledger, ctx, period.streamId, now) });
    if (period.opens) {
      const index = ledgers.indexAppend(name, month);
      appends.push({ ...index, events: toStored(index.events, ctx, index.streamId, now) });
    }
  }
  for (const day of writes.occupancy.days) {
    const stream = read.occupancy.find((loaded) => loaded.streamId.endsWith(`-${day}`));
    if (!stream) throw new Error('a decision wrote an occupancy day that was not read');
    appends.push({ streamId: stream.streamId, expectedRevision: stream.expectedRevision, events: toStored(writes.occupancy.events, ctx, stream.streamId, now) });
  }
  return appends;
}
