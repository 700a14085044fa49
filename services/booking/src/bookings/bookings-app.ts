import { randomUUID } from 'node:crypto';
import {
  bookingKeyPeriod,
  BOOKING_HARD_LIMITS,
  BookingConfirmed,
  decided,
  DomainFailure,
  domainError,
  isRedacted,
  newId,
  type BookingView,
  type DomainEvent,
  type RequestContext,
  type RequestOf,
  type CreateBooking,
} from '@plass/contracts';
import {
  decideOnStreams,
  evolverOf,
  handleMultiStreamCommand,
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
import { actorOf, toStored } from '../app-support.js';
import type { LedgerName, Ledgers, LoadedLedger } from '../ledgers.js';
import { locationEvolver, policyEvolver } from '../places-app.js';
import type { PolicyGate } from '../policy-gate.js';
import { BOOKINGS, NO_SHOW_DUE, type BookingDocument, type NoShowDueDocument } from '../read-model.js';
import {
  bookedOccupancyDays,
  beyondHardLimits,
  decideBook,
  decideCancel,
  decideCancelForErasure,
  decideCheckIn,
  decideReleaseNoShow,
  evolveOccupancy,
  evolveSchedule,
  evolveSlots,
  evolveSpace,
  exemptFromPolicy,
  initialLocation,
  initialOccupancy,
  initialSchedule,
  initialSlots,
  initialSpace,
  Keyed,
  occupancyDays,
  slotBookings,
  slotDays,
  slotEventsFor,
  type BookingDecision,
  type BookingWrites,
  type CancelInputs,
  type Ledger,
  type Location,
  type Occupancy,
  type Policy,
  type Schedule,
  type ScheduledBooking,
  type Slots,
  type Space,
} from '../rules/index.js';
import { USERS, isActiveUser, userDocumentId, type UserDocument } from '../users-directory.js';
import { bookingStream, ledgerPeriodOf, ledgerPeriodsBetween, ledgerPeriodStream, locationStream, occupancyStream, policyStream, scheduleStream, spaceStream } from '../streams.js';

export interface BookingsAppDeps {
  events: EventStore;
  readModel: ProjectionStore;
  shredder: Shredder;
  ledgers: Ledgers;
  policyGate: PolicyGate;
  /** Folded streams kept between commands (ADR 0009). */
  states: StreamStates;
  now: () => Date;
  /** Fault injection for tests: runs after a new booking's append, before its reply. */
  afterBookingAppended?: () => void;
}

/**
 * Locations and spaces change rarely, and only through PlacesApp, which forgets them here: a
 * replica sees another replica's change within a second (ADR 0009, ADR 0018). The tenant's policy is read to its end.
 */
const RULES = { maxAgeMs: 1_000 };
const DAY = 86_400_000;
const MAX_DURATION_MS = BOOKING_HARD_LIMITS.maxDurationMinutes * 60_000;
const occupancyEvolver = { ...evolverOf(initialOccupancy, evolveOccupancy), weigh: (occupancy: Occupancy) => occupancy.bookings.size + 1 };
const slotsEvolver = { ...evolverOf(initialSlots, evolveSlots), weigh: (slots: Slots) => slots.held.size + 1 };
/** A space's stream folded to the space alone: bookings in stores from before ADR 0018 are skipped. */
const spaceEvolver = evolverOf<Space>(initialSpace, evolveSpace);

type Loaded<S> = LoadedState<S> & { streamId: string };

/**
 * A booking's own stream as read: `booking-…`, or for a booking made before ADR 0018 the space's
 * stream it was confirmed in (its events only, the revision the whole stream's).
 */
interface Home {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: RecordedEvent[];
}

/** The ledger period a decision writes to, and whether it opens it (the index then names it). */
interface LedgerTarget {
  name: LedgerName;
  /** The UTC month (`2030-03`) and its stream as loaded. */
  month: string;
  period: LoadedLedger;
}

/** What a decision read, each stream at the revision its append expects. */
interface ReadStreams {
  home: Home;
  days: Array<Loaded<Slots>>;
  ledger?: LedgerTarget | undefined;
  occupancy: Array<Loaded<Occupancy>>;
}

/**
 * Bookings (ADR 0009, ADR 0018): a decision reads the booking's own stream, the space, the
 * slots of the UTC days it touches, the booker's ledger periods the limits count, and the
 * location's occupancy days, and appends to them atomically. No stream it reads grows with history.
 */
export class BookingsApp {
  /** A failed append forgets the cached states it was decided on, so the retry reads them afresh. */
  private readonly retries: { states: StreamStates };

  /** Resolves once what this process committed is in the read model (its relay's `idle`); unset until the relay runs. */
  private ownEventsProjected: (() => Promise<void>) | undefined;

  constructor(private readonly deps: BookingsAppDeps) {
    this.retries = { states: deps.states };
  }

  /**
   * The relay feeding the read model runs: a booking this replica just made is found before its
   * relay's next batch. A relay that stopped (shutdown) waits for nothing: the lookup answers as
   * the read model stands.
   */
  projectsThrough(relay: { idle(): Promise<void> }): void {
    this.ownEventsProjected = () => relay.idle().catch(() => undefined);
  }

  async createBooking(request: RequestOf<typeof CreateBooking>, ctx: RequestContext): Promise<BookingView> {
    const actor = actorOf(ctx);
    const bookedBy = request.onBehalfOf ?? actor.userId;
    if (bookedBy !== actor.userId && !ctx.roles.includes('admin')) {
      throw new DomainFailure(domainError('auth.forbidden', 'only admins book for someone else'));
    }
    const { tenantId } = ctx;
    const outOfBounds = beyondHardLimits({ start: request.start, end: request.end, now: this.deps.now().toISOString() });
    if (outOfBounds) throw new DomainFailure(outOfBounds);
    if (bookedBy !== actor.userId) await this.requireActiveUser(tenantId, bookedBy);
    const [ledgerName] = await Promise.all([
      this.deps.ledgers.ledgerOf(tenantId, bookedBy),
      this.deps.policyGate.requireAcknowledged(ctx, bookedBy),
      this.deps.policyGate.requireNotRestricted(ctx, bookedBy),
    ]);
    const bookingId = request.bookingId ?? newId();
    const timed = !Number.isNaN(Date.parse(request.start)) && !Number.isNaN(Date.parse(request.end));
    let cycles = 0;
    // Decided first on the cached states (ADR 0009): the append's expected revisions catch a state
    // another replica moved, and a refusal is decided again on states read afresh before it is answered.
    const made = await handleMultiStreamCommand<BookingView | undefined>(
      this.deps.events,
      async ({ optimistic }) => {
        // Checked on every attempt: an erasure marks the person before it cancels their bookings (ADR 0011).
        if (bookedBy === actor.userId && !(await isActiveUser(this.deps.readModel, tenantId, bookedBy))) {
          throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
        }
        const now = this.deps.now();
        const space = await this.loadSpace(tenantId, request.spaceId);
        const location = await this.loadLocation(tenantId, space);
        const policy = await this.loadPolicy(tenantId);
        // A new id has no stream: the first, optimistic cycle takes that for granted (the append
        // expects it); a retry under an Idempotency-Key names a booking that may exist, read then.
        const home = optimistic && cycles++ === 0 ? newHome(tenantId, bookingId) : await this.readHome(tenantId, bookingId);
        const booking = await this.bookingOf(home, bookingId, tenantId);
        const days = timed ? await this.loadDays(tenantId, request.spaceId, slotDays(request.start, request.end), optimistic) : [];
        const exempt = exemptFromPolicy(actor, policy);
        const ledger = timed ? await this.loadLimits(ledgerName, request.start, now, exempt ? undefined : policy, optimistic) : undefined;
        const occupancy = timed ? await this.loadOccupancy(tenantId, space, occupancyDays(space, location, request.start, request.end), optimistic) : [];
        const decision = decideBook(
          {
            bookingId,
            spaceId: request.spaceId,
            bookedBy,
            start: request.start,
            end: request.end,
            ...(request.subject === undefined ? {} : { subject: request.subject }),
            now: now.toISOString(),
            actor,
          },
          {
            schedule: scheduleOf(space, slotBookings(days.map((day) => day.state)), booking),
            location,
            ledger: ledger?.folded ?? emptyLedger(),
            occupancy: foldedOccupancy(occupancy),
            policy,
          },
        );
        const writes = decided(decision);
        if (writes.schedule.length === 0) return { appends: [], result: undefined };
        const confirmed = writes.schedule.find((event) => event.type === 'BookingConfirmed');
        if (confirmed?.type !== 'BookingConfirmed') throw new Error('a new booking was decided without BookingConfirmed');
        if (!ledger) throw new Error('a booking was decided without its ledger');
        const { kind, start, end } = confirmed.data;
        const [sealed, sealedLedger] = await Promise.all([
          this.deps.shredder.encrypt(BookingConfirmed.data, confirmed.data, { tenantId, subjectId: bookedBy, period: bookingKeyPeriod(end), aad: home.streamId }),
          this.deps.ledgers.seal(writes.ledger, { tenantId, bookedBy, end, streamId: ledger.target.period.streamId }),
        ]);
        const result: BookingView = { id: bookingId, spaceId: request.spaceId, kind, start, end, status: 'confirmed', bookedBy, subject: request.subject ?? null, redacted: [] };
        const sealedSchedule = writes.schedule.map((event) => (event === confirmed ? ({ type: event.type, data: sealed } as DomainEvent) : event));
        const read: ReadStreams = { home, days, ledger: ledger.target, occupancy };
        const appends = appendsOf(writes, { schedule: sealedSchedule, ledger: sealedLedger }, read, this.deps.ledgers, ctx, now);
        return {
          appends,
          result,
          appended: (written: MultiAppendResult) => {
            this.remember(written, appends, read, writes.ledger, tenantId);
            this.deps.afterBookingAppended?.();
          },
        };
      },
      { ...this.retries, optimistic: true },
    );
    return made ?? this.view(await this.bookingDocument(bookingId, tenantId), tenantId);
  }

  async cancelBooking(bookingId: string, ctx: RequestContext): Promise<Record<string, never>> {
    const actor = actorOf(ctx);
    const doc = await this.bookingDocument(bookingId, ctx.tenantId);
    await this.giveBack(doc, ctx, (inputs, now) => decideCancel({ bookingId, now, actor }, inputs));
    return {};
  }

  /** Erasure: gives back the subject's booking if it has not ended; answers whether anything changed. */
  cancelForErasure(doc: Pick<BookingDocument, 'id' | 'spaceId'>, subjectId: string, ctx: RequestContext): Promise<boolean> {
    return this.giveBack(doc, ctx, (inputs, now) => decideCancelForErasure({ bookingId: doc.id, subjectId, now }, inputs));
  }

  /** Releases a no-show; answers whether anything changed (running it twice is harmless). */
  async releaseNoShow(due: Pick<NoShowDueDocument, 'bookingId' | 'tenantId' | 'spaceId'>): Promise<boolean> {
    const ctx: RequestContext = { tenantId: due.tenantId, roles: [], correlationId: randomUUID() };
    const doc = { id: due.bookingId, spaceId: due.spaceId };
    return this.giveBack(doc, ctx, (inputs, now) => decideReleaseNoShow({ bookingId: due.bookingId, now }, inputs));
  }

  async checkIn(bookingId: string, ctx: RequestContext): Promise<BookingView> {
    const actor = actorOf(ctx);
    const doc = await this.bookingDocument(bookingId, ctx.tenantId);
    const { tenantId } = ctx;
    await decideOnStreams(
      this.deps.events,
      {
        load: async () => {
          const home = await this.readHome(tenantId, bookingId, doc.spaceId);
          const [booking, space, policy] = await Promise.all([this.bookingOf(home, bookingId, tenantId), this.loadSpace(tenantId, doc.spaceId), this.loadPolicy(tenantId)]);
          return { home, booking, space, policy, now: this.deps.now() };
        },
        decide: ({ booking, space, policy, now }) => decideCheckIn({ bookingId, now: now.toISOString(), actor }, { schedule: scheduleOf(space, [], booking), policy }),
        append: async (writes, { home, now }) => ({ appends: appendsOf(writes, {}, { home, days: [], occupancy: [] }, this.deps.ledgers, ctx, now), result: undefined }),
      },
      this.retries,
    );
    return { ...(await this.view(doc, ctx.tenantId)), status: 'checked_in' };
  }

  async getBooking(bookingId: string, ctx: RequestContext): Promise<BookingView> {
    const actor = actorOf(ctx);
    const doc = await this.bookingDocument(bookingId, ctx.tenantId);
    const view = await this.view(doc, ctx.tenantId);
    if (view.bookedBy !== actor.userId && !ctx.roles.includes('admin')) throw new DomainFailure(domainError('booking.not_found', 'no such booking'));
    return view;
  }

  /**
   * The actor's bookings come from their own ledger (private, named by the keyed pseudonym):
   * the read model holds no clear or linkable booker, so no grouping survives an erasure.
   */
  async listMyBookings(window: { from: number; to: number }, ctx: RequestContext): Promise<{ items: BookingView[] }> {
    const actor = actorOf(ctx);
    const name = await this.deps.ledgers.ledgerOf(ctx.tenantId, actor.userId);
    // A booking overlapping the window started at most the longest duration before it.
    const periods = ledgerPeriodsBetween(window.from - MAX_DURATION_MS, window.to);
    const ledger = (await Promise.all(periods.map((period) => this.deps.ledgers.entries(ctx.tenantId, ledgerPeriodStream(name.stream, period))))).flat();
    const ids = new Set<string>();
    for (const event of ledger) {
      if (event.type !== 'LedgerBookingAdded') continue;
      const { bookingId, start, end } = event.data;
      if (Date.parse(start) < window.to && Date.parse(end) > window.from) ids.add(bookingId);
    }
    const read = () => Promise.all([...ids].map((id) => this.deps.readModel.get<BookingDocument>(BOOKINGS, id)));
    let found = await read();
    // A booking in the ledger but not yet in the read model may still be in this replica's outbox.
    if (found.includes(undefined) && this.ownEventsProjected) {
      await this.ownEventsProjected();
      found = await read();
    }
    const docs = found.filter((doc): doc is BookingDocument => doc?.tenantId === ctx.tenantId);
    const views = await Promise.all(docs.map((doc) => this.view(doc, ctx.tenantId)));
    return { items: views.filter((view) => view.bookedBy === actor.userId).sort((a, b) => a.start.localeCompare(b.start)) };
  }

  /**
   * Bookings whose no-show release is due at `now()`, earliest first, at most `batch` a run (the
   * documents sort by due time, so a run reads only those); each release is decided on fresh streams.
   */
  async releaseDueNoShows(onError?: (error: unknown) => void, batch = 1000): Promise<{ released: number }> {
    const now = this.deps.now().getTime();
    const earliest = await this.deps.readModel.find<NoShowDueDocument>(NO_SHOW_DUE, {}, { limit: batch });
    const due = earliest.filter((doc) => doc.dueAt <= now);
    let released = 0;
    for (const booking of due) {
      try {
        if (await this.releaseNoShow(booking)) released += 1;
      } catch (error) {
        onError?.(error);
      }
    }
    return { released };
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
    };
  }

  /**
   * The read model's booking. Not there yet, it may still be in this replica's outbox (the relay
   * gathers a steady load into batches): once the relay has projected what this process
   * committed, it is read again, so whoever made a booking can read, cancel or check in at once.
   */
  private async bookingDocument(bookingId: string, tenantId: string): Promise<BookingDocument> {
    let doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    if (!doc && this.ownEventsProjected) {
      await this.ownEventsProjected();
      doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    }
    if (!doc || doc.tenantId !== tenantId) throw new DomainFailure(domainError('booking.not_found', 'no such booking'));
    return doc;
  }

  /**
   * Cancel and release: the booker is decrypted from the booking's stream to find their ledger.
   * When the booking key is gone (shredded) the ledger cannot be named: only the booking, its
   * slots and occupancy are written; the ledger entry is unreadable too, as it is sealed with the same key.
   */
  private giveBack(doc: Pick<BookingDocument, 'id' | 'spaceId'>, ctx: RequestContext, decide: (inputs: CancelInputs, now: string) => BookingDecision): Promise<boolean> {
    const { tenantId } = ctx;
    return decideOnStreams(
      this.deps.events,
      {
        load: async () => {
          const home = await this.readHome(tenantId, doc.id, doc.spaceId);
          const booking = await this.bookingOf(home, doc.id, tenantId);
          const space = await this.loadSpace(tenantId, doc.spaceId);
          const [location, policy] = await Promise.all([this.loadLocation(tenantId, space), this.loadPolicy(tenantId)]);
          const schedule = scheduleOf(space, [], booking);
          const name = booking?.bookedBy === undefined ? null : await this.deps.ledgers.ledgerOrNull(tenantId, booking.bookedBy);
          const [period] = name && booking ? await this.deps.ledgers.periods(name, [ledgerPeriodOf(booking.start)]) : [];
          const days = booking ? await this.loadDays(tenantId, doc.spaceId, slotDays(booking.start, booking.end)) : [];
          const occupancy = booking ? await this.loadOccupancy(tenantId, space, bookedOccupancyDays(booking, { schedule, location })) : [];
          return {
            home,
            booking,
            schedule,
            location,
            policy,
            days,
            occupancy,
            target: name && period && booking ? { name, month: ledgerPeriodOf(booking.start), period } : undefined,
            now: this.deps.now(),
          };
        },
        decide: (read) => decide({ ...read, ledger: read.target?.period.state ?? emptyLedger(), occupancy: foldedOccupancy(read.occupancy) }, read.now.toISOString()),
        append: async (writes, read) => {
          const { booking, target } = read;
          const sealedLedger =
            target && booking?.bookedBy !== undefined
              ? await this.deps.ledgers.seal(writes.ledger, { tenantId, bookedBy: booking.bookedBy, end: booking.end, streamId: target.period.streamId })
              : writes.ledger;
          const appends = appendsOf(
            writes,
            { ledger: sealedLedger },
            { home: read.home, days: read.days, ledger: target, occupancy: read.occupancy },
            this.deps.ledgers,
            ctx,
            read.now,
          );
          return { appends, result: appends.some((append) => append.events.length > 0) };
        },
      },
      this.retries,
    );
  }

  /**
   * Moves the cached states of the streams just written on, so the next booking of the same space,
   * person or day reads and decrypts nothing it wrote itself (ADR 0009). The ledger folds the
   * clear entries that were sealed, as a load would after decrypting them. A booking's own
   * stream is not cached: only its commands read it.
   */
  private remember(written: MultiAppendResult, appends: StreamAppend[], read: ReadStreams, clearLedger: DomainEvent[], tenantId: string): void {
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

  /** Booking for someone else: they must be a known, active user (else the vault would mint keys for any id). */
  private async requireActiveUser(tenantId: string, userId: string): Promise<void> {
    const user = await this.deps.readModel.get<UserDocument>(USERS, userDocumentId(tenantId, userId));
    if (!user || user.tenantId !== tenantId) throw new DomainFailure(domainError('user.not_found', 'no such user'));
    if (!user.active) throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
  }

  private async loadSpace(tenantId: string, spaceId: string): Promise<Space> {
    return (await this.deps.states.load(spaceStream(tenantId, spaceId), spaceEvolver, RULES)).state;
  }

  private async loadLocation(tenantId: string, space: Space): Promise<Location> {
    if (space.status === 'none' || space.locationId === undefined) return initialLocation;
    return (await this.deps.states.load(locationStream(tenantId, space.locationId), locationEvolver, RULES)).state;
  }

  private async loadPolicy(tenantId: string): Promise<Policy> {
    // Read to its end on every decision (events since the cached revision: usually none), so a
    // policy another replica saved is in force at once.
    return (await this.deps.states.load(policyStream(tenantId), policyEvolver)).state;
  }

  private loadDays(tenantId: string, spaceId: string, days: string[], optimistic = false): Promise<Array<Loaded<Slots>>> {
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
   * an exempt admin), only the period the booking is written to.
   */
  private async loadLimits(name: LedgerName, start: string, now: Date, policy: Policy | undefined, optimistic: boolean): Promise<{ folded: Ledger; target: LedgerTarget }> {
    const target = ledgerPeriodOf(start);
    const horizon = policy ? ledgerPeriodsBetween(now.getTime() - MAX_DURATION_MS, now.getTime() + policy.maxDaysInAdvance * DAY) : [];
    const periods = [...new Set([target, ...horizon])];
    const loaded = await this.deps.ledgers.periods(name, periods, optimistic);
    const period = loaded[0]!;
    const folded = loaded.length === 1 ? period.state : { bookings: Keyed.from(loaded.flatMap((one) => one.state.bookings.entries())) };
    return { folded, target: { name, month: target, period } };
  }

  private async loadOccupancy(tenantId: string, space: Space, days: string[], optimistic = false): Promise<Array<Loaded<Occupancy>>> {
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
  private async readHome(tenantId: string, bookingId: string, legacySpaceId?: string): Promise<Home> {
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
  private async bookingOf(home: Home, bookingId: string, tenantId: string): Promise<ScheduledBooking | undefined> {
    const folded = home.events.reduce((state, event) => evolveSchedule(state, { type: event.type, data: event.data } as DomainEvent), initialSchedule).bookings.get(bookingId);
    const confirmed = home.events.find((event) => event.type === 'BookingConfirmed');
    if (!folded || !confirmed) return undefined;
    const sealed = (confirmed.data as { bookedBy?: unknown }).bookedBy;
    const { data } = await this.deps.shredder.decrypt(BookingConfirmed.data, { bookedBy: sealed }, { tenantId, aad: home.streamId });
    const { bookedBy: _sealed, ...booking } = folded;
    return isRedacted(data.bookedBy) || data.bookedBy === undefined ? booking : { ...booking, bookedBy: data.bookedBy };
  }
}

/** The stream of a booking not made yet. */
const newHome = (tenantId: string, bookingId: string): Home => ({ streamId: bookingStream(tenantId, bookingId), expectedRevision: 'no_stream', events: [] });

const emptyLedger = (): Ledger => ({ bookings: Keyed.empty() });

/** What a decider sees of a space: the space, the slots of the days in question, and the booking in question with its booker (last, so it wins). */
function scheduleOf(space: Space, slots: Array<[string, ScheduledBooking]>, booking: ScheduledBooking | undefined): Schedule {
  return { space, bookings: Keyed.from(booking ? [...slots, [booking.id, booking] as [string, ScheduledBooking]] : slots) };
}

/**
 * Several days of a location at once: a booking spanning days is in each day's state, and counts
 * once. One day is its own state: copying it per booking cost O(bookings that day).
 */
function foldedOccupancy(days: Array<LoadedState<Occupancy>>): Occupancy {
  if (days.length === 1) return days[0]!.state;
  return { bookings: Keyed.from(days.flatMap((day) => day.state.bookings.entries())) };
}

/**
 * A decision's writes as appends: the booking's events to its own stream, the slots they hold or
 * free to each day's schedule, the ledger entry to its period (opening it in the index when
 * new), occupancy to each day. `sealed` replaces what was sealed (the booker, the ledger entry).
 */
function appendsOf(
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
    if (period.expectedRevision === 'no_stream') {
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
