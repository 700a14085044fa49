import { DomainFailure, domainError, type RequestContext, type SpaceKind } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import { SubjectErasedError } from '@plass/shredder';
import type { BookingsApp } from './bookings-app.js';
import type { Ledgers } from './ledgers.js';
import { forgetAcknowledgements } from './privacy-policies.js';
import { BOOKINGS, SPACES, type BookingDocument, type SpaceDocument } from './read-model.js';
import { forgetUser } from './users-directory.js';

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
   * Cancels every booking of the subject that has not ended, then deletes their ledger: once the
   * saga passed the legal-hold check erasure is irrevocable, and after the keys are gone the
   * ledger could no longer be named to delete it.
   */
  async cancelBookings(subjectId: string, ctx: RequestContext): Promise<{ cancelled: number }> {
    const { tenantId } = ctx;
    const ledgerId = await this.ledgerOrNull(tenantId, subjectId);
    if (ledgerId === null) return { cancelled: 0 };
    const now = this.deps.now().getTime();
    const ledger = await this.deps.ledgers.load(tenantId, ledgerId);
    let cancelled = 0;
    for (const [bookingId, booking] of Object.entries(ledger.state.bookings)) {
      if (Date.parse(booking.end) <= now) continue;
      const spaceId = booking.spaceId ?? (await this.spaceOf(bookingId, tenantId));
      if (await this.deps.bookings.cancelForErasure({ id: bookingId, spaceId }, subjectId, ctx)) cancelled += 1;
    }
    await this.deps.ledgers.delete(ledgerId);
    return { cancelled };
  }

  /** Ledger entries written before they named their space: the read model knows it, once it has caught up. */
  private async spaceOf(bookingId: string, tenantId: string): Promise<string> {
    const doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    if (doc?.tenantId !== tenantId) throw new DomainFailure(domainError('service.unavailable', 'a booking is not in the read model yet; retry'));
    return doc.spaceId;
  }

  /** After the keys are destroyed: drops the subject's users-directory entry and policy acknowledgements. */
  async forget(subjectId: string, ctx: RequestContext): Promise<{ service: 'booking'; acknowledgedAt: string }> {
    await forgetUser(this.deps.readModel, ctx.tenantId, subjectId);
    await forgetAcknowledgements(this.deps.readModel, ctx.tenantId, subjectId);
    return { service: 'booking', acknowledgedAt: this.deps.now().toISOString() };
  }

  /** Every booking in the subject's ledger that can still be read, decrypted (Art. 15/20). */
  async export(subjectId: string, ctx: RequestContext): Promise<{ service: 'booking'; sections: { bookings: ExportedBooking[] } }> {
    const { tenantId } = ctx;
    const ledgerId = await this.ledgerOrNull(tenantId, subjectId);
    const entries = ledgerId === null ? [] : await this.deps.ledgers.entries(tenantId, ledgerId);
    const ids = new Set(entries.flatMap((event) => (event.type === 'LedgerBookingAdded' ? [event.data.bookingId] : [])));
    const docs = (await Promise.all([...ids].map((id) => this.deps.readModel.get<BookingDocument>(BOOKINGS, id)))).filter(
      (doc): doc is BookingDocument => doc?.tenantId === tenantId,
    );
    const bookings = await Promise.all(
      docs.map(async (doc) => ({ view: await this.deps.bookings.view(doc, tenantId), space: await this.deps.readModel.get<SpaceDocument>(SPACES, doc.spaceId) })),
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

  private async ledgerOrNull(tenantId: string, subjectId: string): Promise<string | null> {
    try {
      return await this.deps.ledgers.streamOf(tenantId, subjectId);
    } catch (error) {
      if (error instanceof SubjectErasedError) return null;
      throw error;
    }
  }
}
