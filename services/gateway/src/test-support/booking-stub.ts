import { randomUUID } from 'node:crypto';
import { Bus } from '@plass/bus';
import {
  CreateBooking,
  CreateSpace,
  DomainFailure,
  GetBooking,
  GetSpace,
  domainError,
  type BookingView,
  type RequestContext,
  type SpaceView,
} from '@plass/contracts';

/**
 * A stand-in for the booking service on the bus: in-memory, per tenant, just enough to answer the
 * gateway's four requests (and their not-found / conflict failures).
 */
export class BookingStub {
  readonly contexts: RequestContext[] = [];
  private readonly spaces = new Map<string, SpaceView>();
  private readonly bookings = new Map<string, BookingView>();
  /** Bookings whose personal fields read as shredded. */
  readonly shredded = new Set<string>();
  /** Makes the next request fail the way a bug in the service would. */
  crashNext = false;

  private constructor(readonly bus: Bus) {}

  static async start(natsUrl: string): Promise<BookingStub> {
    const stub = new BookingStub(await Bus.connect({ servers: natsUrl, name: 'booking' }));
    stub.serve();
    stub.bus.serveHealth();
    await stub.bus.flush();
    return stub;
  }

  private key = (ctx: RequestContext, id: string) => `${ctx.tenantId}/${id}`;

  private serve(): void {
    this.bus.handle(CreateSpace, async (payload, ctx) => {
      this.contexts.push(ctx);
      if (this.crashNext) {
        this.crashNext = false;
        throw new Error('secret internals of the booking service');
      }
      const space: SpaceView = { id: randomUUID(), ...payload };
      this.spaces.set(this.key(ctx, space.id), space);
      return space;
    });
    this.bus.handle(GetSpace, async ({ spaceId }, ctx) => {
      this.contexts.push(ctx);
      const space = this.spaces.get(this.key(ctx, spaceId));
      if (!space) throw new DomainFailure(domainError('space.not_found', 'no such space'));
      return space;
    });
    this.bus.handle(CreateBooking, async (payload, ctx) => {
      this.contexts.push(ctx);
      const space = this.spaces.get(this.key(ctx, payload.spaceId));
      if (!space) throw new DomainFailure(domainError('space.not_found', 'no such space'));
      const overlaps = [...this.bookings.values()].some(
        (b) => b.spaceId === payload.spaceId && Date.parse(b.start) < Date.parse(payload.end) && Date.parse(payload.start) < Date.parse(b.end),
      );
      if (overlaps) throw new DomainFailure(domainError('booking.conflict', 'the space is taken then'));
      const booking: BookingView = {
        id: randomUUID(),
        spaceId: space.id,
        kind: space.kind,
        start: new Date(payload.start).toISOString(),
        end: new Date(payload.end).toISOString(),
        status: 'confirmed',
        bookedBy: ctx.actorId ?? null,
        subject: payload.subject ?? null,
        redacted: [],
      };
      this.bookings.set(this.key(ctx, booking.id), booking);
      return booking;
    });
    this.bus.handle(GetBooking, async ({ bookingId }, ctx) => {
      this.contexts.push(ctx);
      const booking = this.bookings.get(this.key(ctx, bookingId));
      if (!booking) throw new DomainFailure(domainError('booking.not_found', 'no such booking'));
      if (this.shredded.has(booking.id)) return { ...booking, bookedBy: null, subject: null, redacted: ['bookedBy', 'subject'] };
      return booking;
    });
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
