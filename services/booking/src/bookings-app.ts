import { randomUUID } from 'node:crypto';
import {
  bookingKeyPeriod,
  BookingConfirmed,
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
import { evolverOf, type EventStore, type LoadedState, type MultiAppendResult, type StreamAppend, type StreamStates } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import { SubjectErasedError, type Shredder } from '@plass/shredder';
import { actorOf, toStored } from './app-support.js';
import { scheduleEvolver } from './cached-schedule.js';
import type { Ledgers, LoadedLedger } from './ledgers.js';
import { handleMultiStreamCommand } from '@plass/eventstore';
import { locationEvolver, policyEvolver } from './places-app.js';
import type { PolicyGate } from './policy-gate.js';
import { BOOKINGS, NO_SHOW_DUE, type BookingDocument, type NoShowDueDocument } from './read-model.js';
import {
  bookedOccupancyDays,
  beyondHardLimits,
  decideBook,
  decideCancel,
  decideCancelForErasure,
  decideCheckIn,
  decideReleaseNoShow,
  evolveOccupancy,
  initialLedger,
  initialLocation,
  initialOccupancy,
  Keyed,
  occupancyDays,
  type BookingDecision,
  type BookingWrites,
  type CancelInputs,
  type Location,
  type Occupancy,
  type Schedule,
  type ScheduledBooking,
} from './rules/index.js';
import { USERS, isActiveUser, userDocumentId, type UserDocument } from './users-directory.js';
import { locationStream, occupancyStream, policyStream, spaceStream } from './streams.js';

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
 * Locations change rarely, and only through PlacesApp, which forgets them here: a replica sees
 * another replica's change within a second (ADR 0009). The tenant's policy is read to its end.
 */
const RULES = { maxAgeMs: 1_000 };
const occupancyEvolver = { ...evolverOf(initialOccupancy, evolveOccupancy), weigh: (occupancy: Occupancy) => occupancy.bookings.size + 1 };

/** The decision's writes as one atomic append, each stream with the revision it was read at. */
interface ReadStreams {
  schedule: LoadedState<Schedule> & { streamId: string };
  ledger?: LoadedLedger;
  occupancy: Array<LoadedState<Occupancy> & { streamId: string }>;
}

/** Bookings: each decision reads and appends the space's schedule, the booker's ledger and the location's occupancy days (ADR 0009). */
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
    const [ledgerId] = await Promise.all([
      this.deps.ledgers.streamOf(tenantId, bookedBy),
      this.deps.policyGate.requireAcknowledged(ctx, bookedBy),
      this.deps.policyGate.requireNotRestricted(ctx, bookedBy),
    ]);
    const bookingId = request.bookingId ?? newId();
    // Decided first on the cached states (ADR 0009): the append's expected revisions catch a state
    // another replica moved, and a refusal is decided again on states read afresh before it is answered.
    const made = await handleMultiStreamCommand<BookingView | undefined>(
      this.deps.events,
      async ({ optimistic }) => {
        // Checked on every attempt: an erasure marks the person before it cancels their bookings (ADR 0011).
        if (bookedBy === actor.userId && !(await isActiveUser(this.deps.readModel, tenantId, bookedBy))) {
          throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
        }
        const schedule = await this.loadSchedule(tenantId, request.spaceId, optimistic);
        // A retry under an Idempotency-Key names a booking it may already have made: the decider
        // needs that booking's booker to tell the retry from a clash.
        const decidedOn = schedule.state.bookings.has(bookingId) ? (await this.withBooker(schedule, bookingId, tenantId)).schedule : schedule.state;
        const location = await this.loadLocation(tenantId, schedule.state);
        const policy = await this.loadPolicy(tenantId);
        const ledger = await this.deps.ledgers.load(tenantId, ledgerId, optimistic);
        const days = occupancyDays(schedule.state.space, location, request.start, request.end);
        const occupancy = await this.loadOccupancy(tenantId, schedule.state, days, optimistic);
        const now = this.deps.now();
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
          { schedule: decidedOn, location, ledger: ledger.state, occupancy: foldedOccupancy(occupancy), policy },
        );
        const writes = writesOf(decision);
        if (writes.schedule.length === 0) return { appends: [], result: undefined };
        const confirmed = writes.schedule.find((event) => event.type === 'BookingConfirmed');
        if (confirmed?.type !== 'BookingConfirmed') throw new Error('a new booking was decided without BookingConfirmed');
        const { kind, start, end } = confirmed.data;
        const [sealed, sealedLedger] = await Promise.all([
          this.deps.shredder.encrypt(BookingConfirmed.data, confirmed.data, { tenantId, subjectId: bookedBy, period: bookingKeyPeriod(end), aad: schedule.streamId }),
          this.deps.ledgers.seal(writes.ledger, { tenantId, bookedBy, end, streamId: ledger.streamId }),
        ]);
        const result: BookingView = { id: bookingId, spaceId: request.spaceId, kind, start, end, status: 'confirmed', bookedBy, subject: request.subject ?? null, redacted: [] };
        const sealedSchedule = writes.schedule.map((event) => (event === confirmed ? ({ type: event.type, data: sealed } as DomainEvent) : event));
        const read = { schedule, ledger, occupancy };
        const appends = appendsOf({ ...writes, schedule: sealedSchedule, ledger: sealedLedger }, read, ctx, now);
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
    await handleMultiStreamCommand(
      this.deps.events,
      async () => {
        const schedule = await this.loadSchedule(tenantId, doc.spaceId);
        const revealed = await this.withBooker(schedule, bookingId, tenantId);
        const policy = await this.loadPolicy(tenantId);
        const now = this.deps.now();
        const writes = writesOf(decideCheckIn({ bookingId, now: now.toISOString(), actor }, { schedule: revealed.schedule, policy }));
        return { appends: appendsOf(writes, { schedule, occupancy: [] }, ctx, now), result: undefined };
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
    const ledger = await this.deps.ledgers.entries(ctx.tenantId, await this.deps.ledgers.streamOf(ctx.tenantId, actor.userId));
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
   * Cancel and release: the booker is decrypted from the schedule to find their ledger. When the
   * booking key is gone (shredded) the ledger cannot be named: only schedule and occupancy are
   * written; the ledger entry is unreadable too, as it is sealed with the same key.
   */
  private giveBack(doc: Pick<BookingDocument, 'id' | 'spaceId'>, ctx: RequestContext, decide: (inputs: CancelInputs, now: string) => BookingDecision): Promise<boolean> {
    const { tenantId } = ctx;
    return handleMultiStreamCommand(
      this.deps.events,
      async () => {
        const schedule = await this.loadSchedule(tenantId, doc.spaceId);
        const { schedule: revealed, bookedBy } = await this.withBooker(schedule, doc.id, tenantId);
        const location = await this.loadLocation(tenantId, schedule.state);
        const policy = await this.loadPolicy(tenantId);
        const ledgerId = bookedBy === null ? null : await this.ledgerOrNull(tenantId, bookedBy);
        const ledger = ledgerId === null ? undefined : await this.deps.ledgers.load(tenantId, ledgerId);
        const booking = revealed.bookings.get(doc.id);
        const days = booking ? bookedOccupancyDays(booking, { schedule: revealed, location }) : [];
        const occupancy = await this.loadOccupancy(tenantId, revealed, days);
        const now = this.deps.now();
        const writes = writesOf(decide({ schedule: revealed, location, policy, ledger: ledger?.state ?? initialLedger, occupancy: foldedOccupancy(occupancy) }, now.toISOString()));
        const sealedLedger =
          ledger && booking && bookedBy !== null ? await this.deps.ledgers.seal(writes.ledger, { tenantId, bookedBy, end: booking.end, streamId: ledger.streamId }) : writes.ledger;
        const appends = appendsOf({ ...writes, ledger: sealedLedger }, { schedule, ...(ledger ? { ledger } : {}), occupancy }, ctx, now);
        return { appends, result: appends.some((append) => append.events.length > 0) };
      },
      this.retries,
    );
  }

  /**
   * Moves the cached states of the streams just written on, so the next booking of the same space,
   * person or day reads and decrypts nothing it wrote itself (ADR 0009). The ledger folds the
   * clear entries that were sealed, as a load would after decrypting them.
   */
  private remember(written: MultiAppendResult, appends: StreamAppend[], read: ReadStreams, clearLedger: DomainEvent[], tenantId: string): void {
    const { states, ledgers } = this.deps;
    for (const { streamId, nextExpectedRevision } of written.streams) {
      const events = appends.find((append) => append.streamId === streamId)?.events ?? [];
      if (streamId === read.schedule.streamId) states.appended(streamId, scheduleEvolver, read.schedule, events, nextExpectedRevision);
      else if (streamId === read.ledger?.streamId) ledgers.appended(tenantId, read.ledger, clearLedger, events, nextExpectedRevision);
      else {
        const day = read.occupancy.find((loaded) => loaded.streamId === streamId);
        if (day) states.appended(streamId, occupancyEvolver, day, events, nextExpectedRevision);
      }
    }
  }

  /** Booking for someone else: they must be a known, active user (else the vault would mint keys for any id). */
  private async requireActiveUser(tenantId: string, userId: string): Promise<void> {
    const user = await this.deps.readModel.get<UserDocument>(USERS, userDocumentId(tenantId, userId));
    if (!user || user.tenantId !== tenantId) throw new DomainFailure(domainError('user.not_found', 'no such user'));
    if (!user.active) throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
  }

  private async ledgerOrNull(tenantId: string, userId: string): Promise<string | null> {
    try {
      return await this.deps.ledgers.streamOf(tenantId, userId);
    } catch (error) {
      if (error instanceof SubjectErasedError) return null;
      throw error;
    }
  }

  private async loadSchedule(tenantId: string, spaceId: string, optimistic = false) {
    const streamId = spaceStream(tenantId, spaceId);
    return { ...(await this.deps.states.load(streamId, scheduleEvolver, { optimistic })), streamId };
  }

  private async loadLocation(tenantId: string, schedule: Schedule): Promise<Location> {
    const space = schedule.space;
    if (space.status === 'none' || space.locationId === undefined) return initialLocation;
    return (await this.deps.states.load(locationStream(tenantId, space.locationId), locationEvolver, RULES)).state;
  }

  private async loadPolicy(tenantId: string) {
    // Read to its end on every decision (events since the cached revision: usually none), so a
    // policy another replica saved is in force at once.
    return (await this.deps.states.load(policyStream(tenantId), policyEvolver)).state;
  }

  private async loadOccupancy(tenantId: string, schedule: Schedule, days: string[], optimistic = false) {
    const space = schedule.space;
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
   * The schedule as the deciders need it: the booking in question with its booker decrypted
   * (empty when shredded, so only an admin may act on it); other bookers are never decrypted. The
   * cached schedule holds no bookers: the sealed one is read from the booking's BookingConfirmed.
   */
  private async withBooker(schedule: LoadedState<Schedule> & { streamId: string }, bookingId: string, tenantId: string) {
    const booking = schedule.state.bookings.get(bookingId);
    let bookedBy: string | null = null;
    if (booking) {
      const sealed = await this.sealedBooker(schedule.streamId, booking);
      const { data } = await this.deps.shredder.decrypt(BookingConfirmed.data, { bookedBy: sealed }, { tenantId, aad: schedule.streamId });
      bookedBy = isRedacted(data.bookedBy) ? null : (data.bookedBy ?? null);
    }
    const bookings = Keyed.from(schedule.state.bookings.entries().map(([id, booking]) => [id, { ...booking, bookedBy: id === bookingId ? (bookedBy ?? '') : '' }] as const));
    return { schedule: { ...schedule.state, bookings }, bookedBy };
  }

  /** The booker of a cached booking as stored: sealed, from its BookingConfirmed at `confirmedAt`. */
  private async sealedBooker(streamId: string, booking: ScheduledBooking): Promise<unknown> {
    const [event] = booking.confirmedAt === undefined ? [] : await this.deps.events.readStream(streamId, { fromRevision: booking.confirmedAt, maxCount: 1 });
    const data = event?.type === 'BookingConfirmed' ? (event.data as { bookingId?: unknown; bookedBy?: unknown }) : undefined;
    if (data?.bookingId !== booking.id) throw new Error(`a cached booking's BookingConfirmed is not at revision ${booking.confirmedAt} of its stream`);
    return data.bookedBy;
  }
}

function writesOf(decision: BookingDecision): BookingWrites {
  if (!decision.ok) throw new DomainFailure(decision.error);
  return decision.writes;
}

/**
 * Several days of a location at once: a booking spanning days is in each day's state, and counts
 * once. One day is its own state: copying it per booking cost O(bookings that day).
 */
function foldedOccupancy(days: Array<LoadedState<Occupancy>>): Occupancy {
  if (days.length === 1) return days[0]!.state;
  return { bookings: Keyed.from(days.flatMap((day) => day.state.bookings.entries())) };
}

function appendsOf(writes: BookingWrites, read: ReadStreams, ctx: RequestContext, now: Date): StreamAppend[] {
  const appends: StreamAppend[] = [
    { streamId: read.schedule.streamId, expectedRevision: read.schedule.expectedRevision, events: toStored(writes.schedule, ctx, read.schedule.streamId, now) },
  ];
  if (writes.ledger.length > 0) {
    if (!read.ledger) throw new Error('a decision wrote a ledger that was not read');
    appends.push({ streamId: read.ledger.streamId, expectedRevision: read.ledger.expectedRevision, events: toStored(writes.ledger, ctx, read.ledger.streamId, now) });
  }
  for (const day of writes.occupancy.days) {
    const stream = read.occupancy.find((loaded) => loaded.streamId.endsWith(`-${day}`));
    if (!stream) throw new Error('a decision wrote an occupancy day that was not read');
    appends.push({ streamId: stream.streamId, expectedRevision: stream.expectedRevision, events: toStored(writes.occupancy.events, ctx, stream.streamId, now) });
  }
  return appends;
}
