import { DomainFailure, domainError, type RequestContext, type SpaceKind } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import type { BookingsApp } from './bookings/bookings-app.js';
import type { LedgerName, Ledgers } from './ledgers.js';
import { seriesStream } from './series/series-app.js';
import { forgetAcknowledgements } from './privacy-policies.js';
import { BOOKINGS, SPACES, type BookingDocument, type SpaceDocument } from './read-model.js';
import { ledgerPeriodStream } from './streams.js';
import { forgetUser, markErasing } from './users-directory.js';

/** Bookings decided before the fence may land after the ledger was deleted; more rounds than that mean something is wrong. */
const MAX_DELETE_ROUNDS = 3;

export interface ExportedBooking {
  id: string;
  spaceId: string;
  spaceName?: string;
  kind: SpaceKind;
  start: string;
  end: string;
  status: BookingDocument['status'];
  subject: string | null;
}

/**
 * The booking service's part in erasure and export, as the privacy service's saga asks it. A
 * person's bookings are found through their ledger, which only their profile key can name: so
 * erasure cancels and deletes the ledger before the keys go, and forgetting afterwards only drops
 * what was derived. Every step may be retried.
 */
export class SubjectData {
  constructor(private readonly deps: { readModel: ProjectionStore; ledgers: Ledgers; bookings: BookingsApp; now: () => Date }) {}

  /**
   * Fences the subject first, so they can book no more, then cancels every booking of theirs that
   * has not ended and deletes their ledger: once the saga passed the legal-hold check erasure is
   * irrevocable, and after the keys are gone the ledger could no longer be named to delete it. A
   * booking decided before the fence may still land after a deletion: the ledger is read again.
   */
  async cancelBookings(subjectId: string, ctx: RequestContext): Promise<{ cancelled: number }> {
    const { tenantId } = ctx;
    await markErasing(this.deps.readModel, tenantId, subjectId);
    const name = await this.deps.ledgers.ledgerOrNull(tenantId, subjectId);
    if (name === null) return { cancelled: 0 };
    let cancelled = 0;
    // Every period the index names (ADR 0018); a booking decided before the fence opens its period again.
    for (let round = 0, periods = await this.deps.ledgers.knownPeriods(name); periods.length > 0; round++, periods = await this.deps.ledgers.knownPeriods(name)) {
      if (round === MAX_DELETE_ROUNDS) throw new DomainFailure(domainError('service.unavailable', 'the subject’s ledger keeps changing; retry'));
      const ledger = await this.deps.ledgers.periods(name, periods);
      cancelled += await this.cancelUpcoming(
        ledger.flatMap((period) => period.state.bookings.entries()),
        subjectId,
        ctx,
      );
      await this.deleteSeries(name, periods, tenantId);
      await this.deps.ledgers.deleteLedger(name);
    }
    return { cancelled };
  }

  /**
   * Recurring bookings: a series' occurrences are ordinary bookings of the person's ledger, so they
   * are cancelled above like any other. The series' stream names no one, but groups the
   * person's bookings: it goes with the ledger, found through the ledger entries (sealed) that name it.
   */
  private async deleteSeries(name: LedgerName, periods: string[], tenantId: string): Promise<void> {
    const entries = (await Promise.all(periods.map((period) => this.deps.ledgers.entries(tenantId, ledgerPeriodStream(name.stream, period))))).flat();
    const series = new Set(entries.flatMap((event) => (event.type === 'LedgerBookingAdded' && event.data.seriesId !== undefined ? [event.data.seriesId] : [])));
    for (const seriesId of series) await this.deps.ledgers.delete(seriesStream(tenantId, seriesId));
  }

  private async cancelUpcoming(entries: Array<[string, { end: string; spaceId?: string | undefined }]>, subjectId: string, ctx: RequestContext): Promise<number> {
    const now = this.deps.now().getTime();
    let cancelled = 0;
    for (const [bookingId, booking] of entries) {
      if (Date.parse(booking.end) <= now) continue;
      const spaceId = booking.spaceId ?? (await this.spaceOf(bookingId, ctx.tenantId));
      if (await this.deps.bookings.cancelForErasure({ id: bookingId, spaceId }, subjectId, ctx)) cancelled += 1;
    }
    return cancelled;
  }

  /** Ledger entries written before they named their space: the read model knows it, once it has caught up. */
  private async spaceOf(bookingId: string, tenantId: string): Promise<string> {
    const doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    if (doc?.tenantId !== tenantId) throw new DomainFailure(domainError('service.unavailable', 'a booking is not in the read model yet; retry'));
    return doc.spaceId;
  }

  /**
   * After the keys are destroyed: drops the subject's users-directory entry and policy
   * acknowledgements. The receipt says booking can no longer read the subject's data, so while its
   * key cache still hands out their profile key (a missed KeysDestroyed) the saga is told to retry.
   */
  async forget(subjectId: string, ctx: RequestContext): Promise<{ service: 'booking'; acknowledgedAt: string }> {
    if (await this.deps.ledgers.canName(ctx.tenantId, subjectId)) {
      throw new DomainFailure(domainError('service.unavailable', "booking can still obtain the subject's profile key; retry once their keys are destroyed"));
    }
    await forgetUser(this.deps.readModel, ctx.tenantId, subjectId);
    await forgetAcknowledgements(this.deps.readModel, ctx.tenantId, subjectId);
    return { service: 'booking', acknowledgedAt: this.deps.now().toISOString() };
  }

  /** Every booking in the subject's ledger that can still be read, decrypted (Art. 15/20). */
  async export(subjectId: string, ctx: RequestContext): Promise<{ service: 'booking'; sections: { bookings: ExportedBooking[] } }> {
    const { tenantId } = ctx;
    const name = await this.deps.ledgers.ledgerOrNull(tenantId, subjectId);
    const periods = name === null ? [] : await this.deps.ledgers.knownPeriods(name);
    const entries = name === null ? [] : (await Promise.all(periods.map((period) => this.deps.ledgers.entries(tenantId, ledgerPeriodStream(name.stream, period))))).flat();
    const ids = new Set(entries.flatMap((event) => (event.type === 'LedgerBookingAdded' ? [event.data.bookingId] : [])));
    const docs = (await Promise.all([...ids].map((id) => this.deps.readModel.get<BookingDocument>(BOOKINGS, id)))).filter(
      (doc): doc is BookingDocument => doc?.tenantId === tenantId,
    );
    const bookings = await Promise.all(
      docs.map(async (doc) => ({ view: await this.deps.bookings.streams.view(doc, tenantId), space: await this.deps.readModel.get<SpaceDocument>(SPACES, doc.spaceId) })),
    );
    const items = bookings
      .filter(({ view }) => view.bookedBy === subjectId)
      .map(({ view, space }): ExportedBooking => {
        const { id, spaceId, kind, start, end, status, subject } = view;
        return { id, spaceId, ...(space?.tenantId === tenantId ? { spaceName: space.name } : {}), kind, start, end, status, subject };
      })
      .sort((a, b) => a.start.localeCompare(b.start));
    return { service: 'booking', sections: { bookings: items } };
  }
}
