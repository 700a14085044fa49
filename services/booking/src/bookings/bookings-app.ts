import { randomUUID } from 'node:crypto';
import { DomainFailure, domainError, newId, type BookingView, type RequestContext, type RequestOf, type CreateBooking } from '@plass/contracts';
import { decideOnStreams, type EventStore, type MultiAppendResult, type StreamStates } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { actorOf } from '../app-support.js';
import type { Ledgers } from '../ledgers.js';

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
  exemptFromPolicy,
  occupancyDays,
  slotBookings,
  slotDays,
  type BookingDecision,
  type CancelInputs,
} from '../rules/index.js';
import { isActiveUser } from '../users-directory.js';
import { ledgerPeriodOf, ledgerPeriodsBetween, ledgerPeriodStream } from '../streams.js';
import { appendsOf, BookingStreams, MAX_DURATION_MS, emptyLedger, foldedOccupancy, newHome, scheduleOf, type ReadStreams } from './booking-streams.js';

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
 * Bookings (ADR 0009, ADR 0018): a decision reads the booking's own stream, the space, the
 * slots of the UTC days it touches, the booker's ledger periods the limits count, and the
 * location's occupancy days, and appends to them atomically. No stream it reads grows with history.
 */
export class BookingsApp {
  /** A failed append forgets the cached states it was decided on, so the retry reads them afresh. */
  private readonly retries: { states: StreamStates };
  readonly streams: BookingStreams;

  constructor(private readonly deps: BookingsAppDeps) {
    this.retries = { states: deps.states };
    this.streams = new BookingStreams(deps);
  }

  /** See BookingStreams.projectsThrough. */
  projectsThrough(relay: { idle(): Promise<void> }): void {
    this.streams.projectsThrough(relay);
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
    if (bookedBy !== actor.userId) await this.streams.requireActiveUser(tenantId, bookedBy);
    const [ledgerName] = await Promise.all([
      this.deps.ledgers.ledgerOf(tenantId, bookedBy),
      this.deps.policyGate.requireAcknowledged(ctx, bookedBy),
      this.deps.policyGate.requireNotRestricted(ctx, bookedBy),
    ]);
    const bookingId = request.bookingId ?? newId();
    const timed = !Number.isNaN(Date.parse(request.start)) && !Number.isNaN(Date.parse(request.end));
    // Decided first on the cached states (ADR 0009): the append's expected revisions catch a state
    // another replica moved, and a refusal is decided again on states read afresh before it is answered.
    const made = await decideOnStreams(
      this.deps.events,
      {
        load: async ({ optimistic, fresh }) => {
          // Checked on every attempt: an erasure marks the person before it cancels their bookings (ADR 0011).
          if (bookedBy === actor.userId && !(await isActiveUser(this.deps.readModel, tenantId, bookedBy))) {
            throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
          }
          const now = this.deps.now();
          const space = await this.streams.loadSpace(tenantId, request.spaceId);
          const location = await this.streams.loadLocation(tenantId, space);
          const policy = await this.streams.loadPolicy(tenantId);
          // A new id has no stream: the first, optimistic cycle takes that for granted (the append
          // expects it); a retry under an Idempotency-Key names a booking that may exist, read then.
          const home = fresh ? await this.streams.readHome(tenantId, bookingId) : newHome(tenantId, bookingId);
          const booking = await this.streams.bookingOf(home, bookingId, tenantId);
          const days = timed ? await this.streams.loadDays(tenantId, request.spaceId, slotDays(request.start, request.end), optimistic) : [];
          const exempt = exemptFromPolicy(actor, policy);
          const ledger = !timed
            ? undefined
            : exempt
              ? await this.streams.unreadLimits(ledgerName, request.start)
              : await this.streams.loadLimits(ledgerName, request.start, now, policy, optimistic);
          const occupancy = timed ? await this.streams.loadOccupancy(tenantId, space, occupancyDays(space, location, request.start, request.end), optimistic) : [];
          return { now, space, location, policy, home, booking, days, ledger, occupancy };
        },
        decide: ({ now, space, location, policy, booking, days, ledger, occupancy }) =>
          decideBook(
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
          ),
        append: async (writes, { now, home, days, ledger, occupancy }) => {
          // Accepted without writes: the booking under this Idempotency-Key exists already.
          if (writes.schedule.length === 0) return { appends: [], result: undefined };
          if (!ledger) throw new Error('a booking was decided without its ledger');
          const { confirmed, sealed } = await this.streams.sealNewBooking(writes, { tenantId, bookedBy, home, ledgerStreamId: ledger.target.period.streamId });
          const { kind, start, end } = confirmed;
          const result: BookingView = {
            id: bookingId,
            spaceId: request.spaceId,
            kind,
            start,
            end,
            status: 'confirmed',
            bookedBy,
            subject: request.subject ?? null,
            redacted: [],
            version: 0,
          };
          const read: ReadStreams = { home, days, ledger: ledger.target, occupancy };
          const appends = appendsOf(writes, sealed, read, this.deps.ledgers, ctx, now);
          return {
            appends,
            result,
            appended: (written: MultiAppendResult) => {
              this.streams.remember(written, appends, read, writes.ledger, tenantId);
              this.deps.afterBookingAppended?.();
            },
          };
        },
      },
      { ...this.retries, optimistic: true },
    );
    return made ?? this.streams.view(await this.streams.bookingDocument(bookingId, tenantId), tenantId);
  }

  async cancelBooking(bookingId: string, ctx: RequestContext): Promise<Record<string, never>> {
    const actor = actorOf(ctx);
    const doc = await this.streams.bookingDocument(bookingId, ctx.tenantId);
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
    const doc = await this.streams.bookingDocument(bookingId, ctx.tenantId);
    const { tenantId } = ctx;
    const checkedIn = await decideOnStreams(
      this.deps.events,
      {
        load: async () => {
          const home = await this.streams.readHome(tenantId, bookingId, doc.spaceId);
          const booking = await this.streams.bookingOf(home, bookingId, tenantId);
          // The booking's own stream names its space: an edit may have moved it since the read model was written.
          const [space, policy] = await Promise.all([this.streams.loadSpace(tenantId, booking?.spaceId ?? doc.spaceId), this.streams.loadPolicy(tenantId)]);
          return { home, booking, space, policy, now: this.deps.now() };
        },
        decide: ({ booking, space, policy, now }) => decideCheckIn({ bookingId, now: now.toISOString(), actor }, { schedule: scheduleOf(space, [], booking), policy }),
        append: async (writes, { home, now, booking }) => ({
          appends: appendsOf(writes, {}, { home, days: [], occupancy: [] }, this.deps.ledgers, ctx, now),
          // The booking's version once checked in: one more than read, unless it already was.
          result: { version: Math.max(home.events.length - 1, 0) + (writes.schedule.length > 0 ? 1 : 0), booking },
        }),
      },
      this.retries,
    );
    const view = await this.streams.view(doc, ctx.tenantId);
    // An edit the read model has not projected yet: the times as the booking's stream holds them.
    const moved = checkedIn.booking ? { spaceId: checkedIn.booking.spaceId, start: checkedIn.booking.start, end: checkedIn.booking.end } : {};
    return { ...view, ...moved, status: 'checked_in', version: checkedIn.version };
  }

  async getBooking(bookingId: string, ctx: RequestContext): Promise<BookingView> {
    const actor = actorOf(ctx);
    const doc = await this.streams.bookingDocument(bookingId, ctx.tenantId);
    const view = await this.streams.view(doc, ctx.tenantId);
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
    if (found.includes(undefined) && (await this.streams.ownEventsInReadModel())) found = await read();
    // The booking's times as it stands: an edited booking's earlier ledger entries name its old times.
    const docs = found.filter((doc): doc is BookingDocument => doc?.tenantId === ctx.tenantId && Date.parse(doc.start) < window.to && Date.parse(doc.end) > window.from);
    const views = await Promise.all(docs.map((doc) => this.streams.view(doc, ctx.tenantId)));
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
          const home = await this.streams.readHome(tenantId, doc.id, doc.spaceId);
          const booking = await this.streams.bookingOf(home, doc.id, tenantId);
          // The booking's own stream names its space: an edit may have moved it since the read model was written.
          const spaceId = booking?.spaceId ?? doc.spaceId;
          const space = await this.streams.loadSpace(tenantId, spaceId);
          const [location, policy] = await Promise.all([this.streams.loadLocation(tenantId, space), this.streams.loadPolicy(tenantId)]);
          const schedule = scheduleOf(space, [], booking);
          const name = booking?.bookedBy === undefined ? null : await this.deps.ledgers.ledgerOrNull(tenantId, booking.bookedBy);
          const [period] = name && booking ? await this.deps.ledgers.periods(name, [ledgerPeriodOf(booking.start)]) : [];
          const days = booking ? await this.streams.loadDays(tenantId, spaceId, slotDays(booking.start, booking.end)) : [];
          const occupancy = booking ? await this.streams.loadOccupancy(tenantId, space, bookedOccupancyDays(booking, { schedule, location })) : [];
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
}
