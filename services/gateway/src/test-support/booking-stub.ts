import { randomUUID } from 'node:crypto';
import { Bus } from '@plass/bus';
import {
  CancelBooking,
  ChangeBookingPolicy,
  ChangePrivacySettings,
  CheckInBooking,
  CreateBooking,
  EditBooking,
  CreateLocation,
  CreateSpace,
  DEFAULT_BOOKING_POLICY,
  DEFAULT_BOOKING_VISIBILITY,
  DisableLocation,
  DisableSpace,
  DomainFailure,
  GetBooking,
  GetBookingPolicy,
  GetLocation,
  GetPrivacySettings,
  GetSpace,
  ListLocations,
  ListMyBookings,
  ListSpaceBookings,
  ListSpaces,
  LocationAvailability,
  UpdateLocation,
  UpdateSpace,
  domainError,
  // Recurring bookings
  CancelBookingSeries,
  CreateBookingSeries,
  type SeriesOccurrenceOutcome,
  type BookingPolicy,
  type BookingView,
  type BookingVisibility,
  type DomainError,
  type LocationView,
  type RequestContext,
  type RequestContract,
  type RequestOf,
  type ResponseOf,
  type SlotView,
  type SpaceView,
} from '@plass/contracts';

export interface BookingRequest {
  subject: string;
  payload: unknown;
  ctx: RequestContext;
}

interface Window {
  from: string;
  to: string;
}

const overlaps = (booking: BookingView, { from, to }: Window) => Date.parse(booking.start) < Date.parse(to) && Date.parse(from) < Date.parse(booking.end);
const slotOf = (booking: BookingView): SlotView => ({ id: booking.id, spaceId: booking.spaceId, start: booking.start, end: booking.end, status: booking.status, booker: null });
const notFound = (code: 'location.not_found' | 'space.not_found' | 'booking.not_found') => new DomainFailure(domainError(code, `no such ${code.split('.')[0]}`));

/** Only the fields present in a change; `null` removes an optional one. */
function merged<T extends object>(current: T, changes: Record<string, unknown>): T {
  const next = { ...current } as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) {
    if (value === null && field !== 'capacity') delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as T;
}

/**
 * A stand-in for the booking service on the bus: in memory, per tenant, with just enough rules to
 * answer the gateway's requests (not-found, slot conflicts), recording what it was asked.
 */
export class BookingStub {
  readonly requests: BookingRequest[] = [];
  private readonly locations = new Map<string, LocationView>();
  private readonly spaces = new Map<string, SpaceView>();
  private readonly bookings = new Map<string, BookingView>();
  /** Recurring bookings: a series' booking ids. */
  private readonly series = new Map<string, string[]>();
  private readonly policies = new Map<string, BookingPolicy>();
  private readonly privacySettings = new Map<string, { bookingVisibility: BookingVisibility; anonymizeBookingsAfterDays: number | null; analyticsMinGroupSize: number }>();
  /** Bookings whose personal fields read as shredded. */
  readonly shredded = new Set<string>();
  /** Makes the next request fail the way a bug in the service would. */
  crashNext = false;
  /** Makes the next request fail with this error. */
  failNext: DomainError | undefined;

  private constructor(readonly bus: Bus) {}

  static async start(natsUrl: string): Promise<BookingStub> {
    const stub = new BookingStub(await Bus.connect({ servers: natsUrl, name: 'booking' }));
    stub.serve();
    stub.bus.serveHealth();
    await stub.bus.flush();
    return stub;
  }

  private key = (ctx: RequestContext, id: string) => `${ctx.tenantId}/${id}`;

  private find<T>(map: Map<string, T>, ctx: RequestContext, id: string, missing: Parameters<typeof notFound>[0]): T {
    const found = map.get(this.key(ctx, id));
    if (!found) throw notFound(missing);
    return found;
  }

  private answer<C extends RequestContract>(contract: C, respond: (payload: RequestOf<C>, ctx: RequestContext) => ResponseOf<C>): void {
    this.bus.handle(contract, async (payload, ctx) => {
      this.requests.push({ subject: contract.subject, payload, ctx });
      if (this.crashNext) {
        this.crashNext = false;
        throw new Error('secret internals of the booking service');
      }
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw new DomainFailure(failure);
      return respond(payload, ctx);
    });
  }

  private ofTenant<T>(map: Map<string, T>, ctx: RequestContext): T[] {
    return [...map.entries()].filter(([key]) => key.startsWith(`${ctx.tenantId}/`)).map(([, value]) => value);
  }

  private read(booking: BookingView): BookingView {
    return this.shredded.has(booking.id) ? { ...booking, bookedBy: null, subject: null, redacted: ['bookedBy', 'subject'] } : booking;
  }

  private serve(): void {
    this.serveLocations();
    this.serveSpaces();
    this.serveSettings();
    this.serveBookings();
    // Recurring bookings
    this.serveSeries();
  }

  private serveLocations(): void {
    this.answer(CreateLocation, ({ capacity, ...fields }, ctx) => {
      const location: LocationView = { id: randomUUID(), ...fields, capacity: capacity ?? null, status: 'active' };
      this.locations.set(this.key(ctx, location.id), location);
      return location;
    });
    this.answer(ListLocations, (_page, ctx) => ({ items: this.ofTenant(this.locations, ctx), nextCursor: null }));
    this.answer(GetLocation, ({ locationId }, ctx) => this.find(this.locations, ctx, locationId, 'location.not_found'));
    this.answer(UpdateLocation, ({ locationId, ...changes }, ctx) => {
      const location = merged(this.find(this.locations, ctx, locationId, 'location.not_found'), changes);
      this.locations.set(this.key(ctx, locationId), location);
      return location;
    });
    this.answer(DisableLocation, ({ locationId }, ctx) => {
      const location: LocationView = { ...this.find(this.locations, ctx, locationId, 'location.not_found'), status: 'disabled' };
      this.locations.set(this.key(ctx, locationId), location);
      return location;
    });
    this.answer(LocationAvailability, ({ locationId, ...window }, ctx) => {
      this.find(this.locations, ctx, locationId, 'location.not_found');
      const spaces = this.ofTenant(this.spaces, ctx).filter((space) => space.locationId === locationId);
      const bookings = this.ofTenant(this.bookings, ctx).filter((booking) => overlaps(booking, window));
      return { items: spaces.map((space) => ({ space, bookings: bookings.filter((b) => b.spaceId === space.id).map(slotOf) })) };
    });
  }

  private serveSpaces(): void {
    this.answer(CreateSpace, (fields, ctx) => {
      this.find(this.locations, ctx, fields.locationId, 'location.not_found');
      const space: SpaceView = { id: randomUUID(), ...fields, status: 'active' };
      this.spaces.set(this.key(ctx, space.id), space);
      return space;
    });
    this.answer(ListSpaces, ({ locationId }, ctx) => {
      this.find(this.locations, ctx, locationId, 'location.not_found');
      return { items: this.ofTenant(this.spaces, ctx).filter((space) => space.locationId === locationId), nextCursor: null };
    });
    this.answer(GetSpace, ({ spaceId }, ctx) => this.find(this.spaces, ctx, spaceId, 'space.not_found'));
    this.answer(UpdateSpace, ({ spaceId, ...changes }, ctx) => {
      const space = merged(this.find(this.spaces, ctx, spaceId, 'space.not_found'), changes);
      this.spaces.set(this.key(ctx, spaceId), space);
      return space;
    });
    this.answer(DisableSpace, ({ spaceId }, ctx) => {
      const space: SpaceView = { ...this.find(this.spaces, ctx, spaceId, 'space.not_found'), status: 'disabled' };
      this.spaces.set(this.key(ctx, spaceId), space);
      return space;
    });
    this.answer(ListSpaceBookings, ({ spaceId, ...window }, ctx) => {
      this.find(this.spaces, ctx, spaceId, 'space.not_found');
      return {
        items: this.ofTenant(this.bookings, ctx)
          .filter((b) => b.spaceId === spaceId && overlaps(b, window))
          .map(slotOf),
      };
    });
  }

  private serveSettings(): void {
    const policyOf = (ctx: RequestContext) => this.policies.get(ctx.tenantId) ?? DEFAULT_BOOKING_POLICY;
    this.answer(GetBookingPolicy, (_query, ctx) => policyOf(ctx));
    this.answer(ChangeBookingPolicy, (changes, ctx) => {
      const policy = merged(policyOf(ctx), changes);
      this.policies.set(ctx.tenantId, policy);
      return policy;
    });
    const settingsOf = (ctx: RequestContext) =>
      this.privacySettings.get(ctx.tenantId) ?? { bookingVisibility: DEFAULT_BOOKING_VISIBILITY, anonymizeBookingsAfterDays: null, analyticsMinGroupSize: 5 };
    this.answer(GetPrivacySettings, (_query, ctx) => settingsOf(ctx));
    this.answer(ChangePrivacySettings, (changes, ctx) => {
      const current = settingsOf(ctx);
      const settings = { ...current, ...changes, analyticsMinGroupSize: changes.analyticsMinGroupSize ?? current.analyticsMinGroupSize };
      this.privacySettings.set(ctx.tenantId, settings);
      return settings;
    });
  }

  private serveBookings(): void {
    this.answer(CreateBooking, (request, ctx) => {
      const space = this.find(this.spaces, ctx, request.spaceId, 'space.not_found');
      const window = { from: request.start, to: request.end };
      const taken = this.ofTenant(this.bookings, ctx).some((b) => b.spaceId === space.id && b.status !== 'cancelled' && overlaps(b, window));
      if (taken) throw new DomainFailure(domainError('booking.conflict', 'the space is taken then'));
      const booking: BookingView = {
        id: randomUUID(),
        spaceId: space.id,
        kind: space.kind,
        start: new Date(request.start).toISOString(),
        end: new Date(request.end).toISOString(),
        status: 'confirmed',
        bookedBy: request.onBehalfOf ?? ctx.actorId ?? null,
        subject: request.subject ?? null,
        redacted: [],
        version: 0,
      };
      this.bookings.set(this.key(ctx, booking.id), booking);
      return booking;
    });
    this.answer(GetBooking, ({ bookingId }, ctx) => this.read(this.find(this.bookings, ctx, bookingId, 'booking.not_found')));
    this.answer(ListMyBookings, (window, ctx) => ({
      items: this.ofTenant(this.bookings, ctx)
        .filter((b) => b.bookedBy === ctx.actorId && overlaps(b, window))
        .map((b) => this.read(b)),
    }));
    this.answer(CancelBooking, ({ bookingId }, ctx) => {
      const booking = this.find(this.bookings, ctx, bookingId, 'booking.not_found');
      this.bookings.set(this.key(ctx, bookingId), { ...booking, status: 'cancelled' });
      return {};
    });
    this.answer(CheckInBooking, ({ bookingId }, ctx) => {
      const found = this.find(this.bookings, ctx, bookingId, 'booking.not_found');
      const booking: BookingView = { ...found, status: 'checked_in', version: found.version + 1 };
      this.bookings.set(this.key(ctx, bookingId), booking);
      return this.read(booking);
    });
    // Editing a booking
    this.answer(EditBooking, ({ bookingId, expectedVersion, ...changes }, ctx) => {
      const found = this.find(this.bookings, ctx, bookingId, 'booking.not_found');
      if (expectedVersion !== undefined && expectedVersion !== found.version) {
        throw new DomainFailure(domainError('booking.version_mismatch', 'the booking changed since that version', { version: found.version }));
      }
      const iso = (value: string | undefined, fallback: string) => (value === undefined ? fallback : new Date(value).toISOString());
      const booking: BookingView = {
        ...found,
        spaceId: changes.spaceId ?? found.spaceId,
        start: iso(changes.start, found.start),
        end: iso(changes.end, found.end),
        version: found.version + 1,
      };
      this.bookings.set(this.key(ctx, bookingId), booking);
      return this.read(booking);
    });
  }

  // Recurring bookings: every `interval` days or weeks in UTC, `count` times (1 with `until`); all or nothing unless partial.
  private serveSeries(): void {
    this.answer(CreateBookingSeries, (request, ctx) => {
      const space = this.find(this.spaces, ctx, request.spaceId, 'space.not_found');
      const step = (request.recurrence.frequency === 'weekly' ? 7 : 1) * (request.recurrence.interval ?? 1) * 86_400_000;
      const times = Array.from({ length: request.recurrence.count ?? 1 }, (_, i) => ({
        start: new Date(Date.parse(request.start) + i * step).toISOString(),
        end: new Date(Date.parse(request.end) + i * step).toISOString(),
      }));
      const taken = (time: { start: string; end: string }) =>
        this.ofTenant(this.bookings, ctx).some((b) => b.spaceId === space.id && b.status !== 'cancelled' && overlaps(b, { from: time.start, to: time.end }));
      const outcomes: SeriesOccurrenceOutcome[] = times.map((time) =>
        taken(time) ? { status: 'refused', ...time, code: 'booking.conflict' } : { status: 'confirmed', bookingId: randomUUID(), ...time },
      );
      if (outcomes.some((o) => o.status === 'refused') && !request.partial) {
        const occurrences = outcomes.map((o) => (o.status === 'confirmed' ? { status: 'bookable', start: o.start, end: o.end } : o));
        throw new DomainFailure(domainError('booking.series_refused', 'an occurrence cannot be booked; nothing was booked', { occurrences }));
      }
      const id = request.seriesId ?? randomUUID();
      for (const o of outcomes) {
        if (o.status !== 'confirmed') continue;
        const booking: BookingView = {
          id: o.bookingId,
          spaceId: space.id,
          kind: space.kind,
          start: o.start,
          end: o.end,
          status: 'confirmed',
          bookedBy: ctx.actorId ?? null,
          subject: request.subject ?? null,
          redacted: [],
          version: 0,
        };
        this.bookings.set(this.key(ctx, booking.id), booking);
      }
      this.series.set(
        this.key(ctx, id),
        outcomes.flatMap((o) => (o.status === 'confirmed' ? [o.bookingId] : [])),
      );
      return { id, spaceId: space.id, recurrence: request.recurrence, occurrences: outcomes };
    });
    this.answer(CancelBookingSeries, ({ seriesId }, ctx) => {
      const ids = this.series.get(this.key(ctx, seriesId));
      if (!ids) throw new DomainFailure(domainError('booking.series_not_found', 'no such booking series'));
      const occurrences = ids.map((id) => {
        const booking = this.find(this.bookings, ctx, id, 'booking.not_found');
        this.bookings.set(this.key(ctx, id), { ...booking, status: 'cancelled' });
        return { bookingId: id, start: booking.start, end: booking.end, status: 'cancelled' as const };
      });
      return { id: seriesId, occurrences };
    });
  }
  // end Recurring bookings

  close(): Promise<void> {
    return this.bus.close();
  }
}
