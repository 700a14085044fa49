import { randomUUID } from 'node:crypto';
import {
  BookingConfirmed,
  DomainFailure,
  domainError,
  isRedacted,
  type BookingView,
  type Context,
  type Decision,
  type EventData,
  type RequestContext,
  type RequestOf,
  type CreateBooking as CreateBookingRequest,
  type CreateSpace as CreateSpaceRequest,
  type SpaceView,
} from '@plass/contracts';
import { envelopeFor } from '@plass/bus';
import { foldWith, handleCommand, toNewEvent, type EventStore } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { bookingStream, evolveBooking, initialBooking } from './bookings/booking.js';
import { decideCreateBooking } from './bookings/create-booking.js';
import { bookingKeyPeriod } from './bookings/key-period.js';
import { BOOKINGS, type BookingDocument } from './bookings/read-model.js';
import { decideCreateSpace } from './spaces/create-space.js';
import { evolveSpace, initialSpace, spaceStream, spaceView, type Space } from './spaces/space.js';

export interface BookingAppDeps {
  events: EventStore;
  readModel: ProjectionStore;
  shredder: Shredder;
  now: () => Date;
}

const CONTEXT: Context = 'booking';
const foldSpace = foldWith(initialSpace, evolveSpace);
const foldBooking = foldWith(initialBooking, evolveBooking);

function decided(decision: Decision) {
  if (!decision.ok) throw new DomainFailure(decision.error);
  return decision.events;
}

/** The booking service's use cases, independent of how requests arrive. */
export class BookingApp {
  constructor(private readonly deps: BookingAppDeps) {}

  async createSpace(request: RequestOf<typeof CreateSpaceRequest>, ctx: RequestContext): Promise<SpaceView> {
    const spaceId = randomUUID();
    const streamId = spaceStream(ctx.tenantId, spaceId);
    return handleCommand(this.deps.events, streamId, foldSpace, (state) => {
      const events = decided(decideCreateSpace({ type: 'CreateSpace', data: { spaceId, ...request }, actor: { roles: ctx.roles } }, state));
      const created = events.reduce(evolveSpace, state);
      const now = this.deps.now();
      return {
        events: events.map((event) => toNewEvent(envelopeFor(event, { ctx, context: CONTEXT, streamId, now }))),
        result: spaceView(created as Extract<Space, { status: 'active' }>),
      };
    });
  }

  async getSpace(spaceId: string, ctx: RequestContext): Promise<SpaceView> {
    const space = foldSpace(await this.deps.events.readStream(spaceStream(ctx.tenantId, spaceId)));
    if (space.status !== 'active') throw new DomainFailure(domainError('space.not_found', 'no such space'));
    return spaceView(space);
  }

  async createBooking(request: RequestOf<typeof CreateBookingRequest>, ctx: RequestContext): Promise<BookingView> {
    if (!ctx.actorId) throw new DomainFailure(domainError('auth.unauthenticated', 'a booking needs an authenticated user'));
    const bookedBy = ctx.actorId;
    const space = foldSpace(await this.deps.events.readStream(spaceStream(ctx.tenantId, request.spaceId)));
    const bookingId = randomUUID();
    const streamId = bookingStream(ctx.tenantId, bookingId);
    return handleCommand(this.deps.events, streamId, foldBooking, async (state) => {
      const events = decided(
        decideCreateBooking({ type: 'CreateBooking', data: { bookingId, bookedBy, ...request }, space }, state),
      );
      const now = this.deps.now();
      const stored = await Promise.all(
        events.map(async (event) => {
          const data = await this.deps.shredder.encrypt(BookingConfirmed.data, event.data as EventData<'BookingConfirmed'>, {
            tenantId: ctx.tenantId,
            subjectId: bookedBy,
            period: bookingKeyPeriod(request.start),
            aad: streamId,
          });
          return toNewEvent(envelopeFor({ type: event.type, data }, { ctx, context: CONTEXT, streamId, now }));
        }),
      );
      const confirmed = events[0]!.data as { start: string; end: string; kind: BookingView['kind'] };
      return {
        events: stored,
        result: {
          id: bookingId,
          spaceId: request.spaceId,
          kind: confirmed.kind,
          start: confirmed.start,
          end: confirmed.end,
          status: 'confirmed' as const,
          bookedBy,
          subject: request.subject ?? null,
          redacted: [],
        },
      };
    });
  }

  async getBooking(bookingId: string, ctx: RequestContext): Promise<BookingView> {
    const doc = await this.deps.readModel.get<BookingDocument>(BOOKINGS, bookingId);
    if (!doc || doc.tenantId !== ctx.tenantId) throw new DomainFailure(domainError('booking.not_found', 'no such booking'));
    const sealed = { bookedBy: doc.bookedBy, ...(doc.subject ? { subject: doc.subject } : {}) };
    const { data, redacted } = await this.deps.shredder.decrypt(BookingConfirmed.data, sealed, { tenantId: ctx.tenantId, aad: doc.streamId });
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
}
