import { createHash } from 'node:crypto';
import {
  DomainFailure,
  domainError,
  newId,
  type BookingSeriesView,
  type CancelBookingSeries,
  type CreateBookingSeries,
  type DomainEvent,
  type EventData,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type SeriesOccurrenceOutcome,
} from '@plass/contracts';
import { handleMultiStreamCommand, type EventStore, type StreamAppend, type StreamStates } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import { actorOf, toStored } from '../app-support.js';
import type { BookingsApp } from '../bookings/bookings-app.js';
import { appendsOf, BookingStreams, DAY, MAX_DURATION_MS, foldedOccupancy, newHome, scheduleOf, type LedgerTarget } from '../bookings/booking-streams.js';
import type { Ledgers } from '../ledgers.js';
import type { PolicyGate } from '../policy-gate.js';
import { beyondHardLimits, evolveSchedule, exemptFromPolicy, initialSchedule, isAdmin, Keyed, locationOf, occupancyDays, slotBookings, slotDays } from '../rules/index.js';
import { bookingStream, ledgerPeriodOf, ledgerPeriodsBetween, ledgerPeriodStream, scheduleStream } from '../streams.js';
import { isActiveUser } from '../users-directory.js';
import { decideSeries } from './decide-series.js';
import { expandRecurrence } from './recurrence.js';

/**
 * A series' own stream: `BookingSeriesCreated`, its occurrences' ids and times. Private (never
 * relayed or projected, deletable): nothing outside booking needs it, and erasure deletes it,
 * since it groups one person's bookings even though it names no one.
 */
export const seriesStream = (tenantId: string, seriesId: string) => `series-${tenantId}-${seriesId}`;

/** An occurrence's booking id, the same in every cycle of a decision and every retry under an Idempotency-Key (RFC 9562 version 8). */
export function occurrenceId(seriesId: string, index: number): string {
  const id = createHash('sha256').update(`plass-series-occurrence/v1\n${seriesId}\n${index}`).digest();
  id[6] = (id[6]! & 0x0f) | 0x80;
  id[8] = (id[8]! & 0x3f) | 0x80;
  const hex = id.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const unique = (values: string[]): string[] => [...new Set(values)];

export interface SeriesAppDeps {
  events: EventStore;
  readModel: ProjectionStore;
  ledgers: Ledgers;
  policyGate: PolicyGate;
  states: StreamStates;
  now: () => Date;
  streams: BookingStreams;
  /** Cancelling a series cancels each occurrence as `DELETE /v1/bookings/{id}` would. */
  bookings: Pick<BookingsApp, 'cancelBooking'>;
}

/**
 * Recurring bookings: a series is its occurrences, each an ordinary booking (its own stream, slots,
 * ledger entry, occupancy), decided together on the streams of all of them and appended in one
 * atomic multi-stream append with the series' stream (ADR 0009, ADR 0018).
 */
export class SeriesApp {
  constructor(private readonly deps: SeriesAppDeps) {}

  async createSeries(request: RequestOf<typeof CreateBookingSeries>, ctx: RequestContext): Promise<BookingSeriesView> {
    const actor = actorOf(ctx);
    const bookedBy = actor.userId;
    const { tenantId } = ctx;
    const { streams, ledgers } = this.deps;
    // The first occurrence's bounds bound them all (a DST change moves an end by an hour at most).
    const outOfBounds = beyondHardLimits({ start: request.start, end: request.end, now: this.deps.now().toISOString() });
    if (outOfBounds) throw new DomainFailure(outOfBounds);
    const [ledgerName] = await Promise.all([
      ledgers.ledgerOf(tenantId, bookedBy),
      this.deps.policyGate.requireAcknowledged(ctx, bookedBy),
      this.deps.policyGate.requireNotRestricted(ctx, bookedBy),
    ]);
    const seriesId = request.seriesId ?? newId();
    const streamId = seriesStream(tenantId, seriesId);
    return handleMultiStreamCommand<BookingSeriesView>(
      this.deps.events,
      async ({ optimistic }) => {
        if (!(await isActiveUser(this.deps.readModel, tenantId, bookedBy))) throw new DomainFailure(domainError('user.deactivated', 'the user is deactivated'));
        // A retry under an Idempotency-Key finds the series its first attempt made.
        const made = await this.deps.events.readStream(streamId);
        const created = made.find((event) => event.type === 'BookingSeriesCreated');
        if (created) return { appends: [], result: viewOf(created.data as EventData<'BookingSeriesCreated'>) };

        const now = this.deps.now();
        const space = await streams.loadSpace(tenantId, request.spaceId);
        const location = await streams.loadLocation(tenantId, space);
        const policy = await streams.loadPolicy(tenantId);
        const expanded = expandRecurrence({ start: request.start, end: request.end, recurrence: request.recurrence, zone: locationOf(space, location)?.timezone ?? 'UTC' });
        if (!expanded.ok) throw new DomainFailure(expanded.error);
        const occurrences = expanded.occurrences.map((occurrence, index) => ({ ...occurrence, bookingId: occurrenceId(seriesId, index) }));

        const days = await streams.loadDays(tenantId, request.spaceId, unique(occurrences.flatMap((o) => slotDays(o.start, o.end))), optimistic);
        const exempt = exemptFromPolicy(actor, policy);
        // Limits count the bookings within the policy's horizon (ADR 0018), and each occurrence writes to its own month.
        const horizon = exempt ? [] : ledgerPeriodsBetween(now.getTime() - MAX_DURATION_MS, now.getTime() + policy.maxDaysInAdvance * DAY);
        const months = unique([...occurrences.map((o) => ledgerPeriodOf(o.start)), ...horizon]);
        const periods = exempt ? await ledgers.unread(ledgerName, months) : await ledgers.periods(ledgerName, months, optimistic);
        const occupancy = await streams.loadOccupancy(tenantId, space, unique(occurrences.flatMap((o) => occupancyDays(space, location, o.start, o.end))), optimistic);

        const decision = decideSeries(
          {
            seriesId,
            spaceId: request.spaceId,
            bookedBy,
            ...(request.subject === undefined ? {} : { subject: request.subject }),
            recurrence: request.recurrence,
            occurrences,
            partial: request.partial ?? false,
            now: now.toISOString(),
            actor,
          },
          {
            schedule: scheduleOf(space, slotBookings(days.map((day) => day.state)), undefined),
            location,
            ledger: { bookings: Keyed.from(periods.flatMap((period) => period.state.bookings.entries())) },
            occupancy: foldedOccupancy(occupancy),
            policy,
          },
        );
        if (!decision.ok) throw new DomainFailure(decision.error);
        const { confirmed, outcomes } = decision.events;
        // A refusal decided on cached states may be the cache's: decided once more on fresh ones (ADR 0018).
        if (optimistic && confirmed.length < occurrences.length) throw new DomainFailure(domainError('booking.series_refused', 'decided again on fresh states'));

        const appends = (
          await Promise.all(
            confirmed.map(async ({ start, end, writes, bookingId }) => {
              const home = newHome(tenantId, bookingId);
              const month = ledgerPeriodOf(start);
              const period = periods.find((loaded) => loaded.streamId === ledgerPeriodStream(ledgerName.stream, month))!;
              const target: LedgerTarget = { name: ledgerName, month, period };
              const { sealed } = await streams.sealNewBooking(writes, { tenantId, bookedBy, home, ledgerStreamId: period.streamId });
              const slots = new Set(slotDays(start, end).map((day) => scheduleStream(tenantId, request.spaceId, day)));
              const read = {
                home,
                days: days.filter((day) => slots.has(day.streamId)),
                ledger: target,
                occupancy: occupancy.filter((day) => writes.occupancy.days.some((local) => day.streamId.endsWith(`-${local}`))),
              };
              return appendsOf(writes, sealed, read, ledgers, ctx, now);
            }),
          )
        ).flat();
        appends.push({ streamId, expectedRevision: 'no_stream', events: toStored([decision.events.created], ctx, streamId, now) });
        const merged = mergeAppends(appends);
        return {
          appends: merged,
          result: { id: seriesId, spaceId: request.spaceId, recurrence: request.recurrence, occurrences: outcomes },
          // Several occurrences wrote to a day, a month or the index: the next decision reads them afresh instead.
          appended: () => this.deps.states.forget(merged.map((append) => append.streamId)),
        };
      },
      { states: this.deps.states, optimistic: true },
    );
  }

  /**
   * Cancels the occurrences that have not started, one by one with the cancel rules of a single
   * booking (owner or admin, the cancellation cutoff): each is its own decision, so one past the
   * cutoff is skipped and listed, not a reason to keep the others. Not atomic: repeating the
   * request finishes one that stopped midway (a cancelled occurrence answers `cancelled` again).
   */
  async cancelSeries(seriesId: string, ctx: RequestContext): Promise<ResponseOf<typeof CancelBookingSeries>> {
    const actor = actorOf(ctx);
    const { tenantId } = ctx;
    const events = await this.deps.events.readStream(seriesStream(tenantId, seriesId));
    const created = events.find((event) => event.type === 'BookingSeriesCreated')?.data as EventData<'BookingSeriesCreated'> | undefined;
    const notFound = () => new DomainFailure(domainError('booking.series_not_found', 'no such booking series'));
    if (!created || created.occurrences.length === 0) throw notFound();
    if (!isAdmin(actor)) {
      // Every occurrence has the same booker: only they (or an admin) learn the series exists. One
      // that has not ended tells (retention may have shredded the booker of an earlier one).
      const now = this.deps.now().getTime();
      const { bookingId } = created.occurrences.find((occurrence) => Date.parse(occurrence.end) > now) ?? created.occurrences[0]!;
      const booking = await this.deps.streams.bookingOf(await this.deps.streams.readHome(tenantId, bookingId), bookingId, tenantId);
      if (booking?.bookedBy !== actor.userId) throw notFound();
    }
    const occurrences: ResponseOf<typeof CancelBookingSeries>['occurrences'] = [];
    for (const recorded of created.occurrences) {
      // Editing a booking: an occurrence may have moved since the series was made; its own stream has its times.
      const { bookingId, start, end } = await this.currentTimes(tenantId, recorded);
      const now = this.deps.now().getTime();
      if (Date.parse(start) <= now) {
        occurrences.push({ bookingId, start, end, status: 'skipped', code: Date.parse(end) <= now ? 'booking.already_finished' : 'booking.cancellation_too_late' });
        continue;
      }
      try {
        await this.deps.bookings.cancelBooking(bookingId, ctx);
        occurrences.push({ bookingId, start, end, status: 'cancelled' });
      } catch (error) {
        if (!(error instanceof DomainFailure) || error.error.code === 'concurrency.conflict' || error.error.code === 'service.unavailable') throw error;
        // Made by another replica and not yet in the read model: the request may be repeated.
        if (error.error.code === 'booking.not_found') throw new DomainFailure(domainError('service.unavailable', 'an occurrence is not in the read model yet; retry'));
        occurrences.push({ bookingId, start, end, status: 'skipped', code: error.error.code });
      }
    }
    return { id: seriesId, occurrences };
  }

  /** An occurrence as its booking's own stream holds it now (an edit moves it), or as the series recorded it. */
  private async currentTimes(tenantId: string, occurrence: { bookingId: string; start: string; end: string }): Promise<{ bookingId: string; start: string; end: string }> {
    const home = await this.deps.events.readStream(bookingStream(tenantId, occurrence.bookingId));
    const booking = home.reduce((state, event) => evolveSchedule(state, { type: event.type, data: event.data } as DomainEvent), initialSchedule).bookings.get(occurrence.bookingId);
    return booking ? { bookingId: occurrence.bookingId, start: booking.start, end: booking.end } : occurrence;
  }
}

/** The series as its stream recorded it: the confirmed and the refused occurrences, in order. */
function viewOf(created: EventData<'BookingSeriesCreated'>): BookingSeriesView {
  const occurrences: SeriesOccurrenceOutcome[] = [
    ...created.occurrences.map(({ bookingId, start, end }) => ({ status: 'confirmed' as const, bookingId, start, end })),
    ...created.refused.map(({ start, end, code }) => ({ status: 'refused' as const, start, end, code })),
  ].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return { id: created.seriesId, spaceId: created.spaceId, recurrence: created.recurrence, occurrences };
}

/**
 * One append per stream: occurrences that share a slot day, a ledger month or an occupancy day
 * add their events to it, at the revision it was read at; the ledger's index opens a month once.
 */
export function mergeAppends(appends: StreamAppend[]): StreamAppend[] {
  const byStream = new Map<string, StreamAppend>();
  for (const append of appends) {
    const known = byStream.get(append.streamId);
    if (!known) {
      byStream.set(append.streamId, { ...append, events: [...append.events] });
      continue;
    }
    for (const event of append.events) {
      const opened = event.type === 'LedgerPeriodOpened' ? (event.data as { period: string }).period : undefined;
      if (opened !== undefined && known.events.some((other) => other.type === 'LedgerPeriodOpened' && (other.data as { period: string }).period === opened)) continue;
      known.events.push(event);
    }
  }
  return [...byStream.values()];
}
