import { randomUUID } from 'node:crypto';
import {
  DomainFailure,
  domainError,
  type BookingPolicy,
  type LocationView,
  type RequestContext,
  type RequestOf,
  type SpaceView,
  type CreateLocation,
  type UpdateLocation,
  type CreateSpace,
  type UpdateSpace,
  type ChangeBookingPolicy,
  type ChangePrivacySettings,
  type PageQuery,
} from '@plass/contracts';
import { evolverOf, foldWith, handleCommand, type EventStore, type NewEvent, type RecordedEvent, type StreamStates } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { z } from 'zod';
import { decided, page, requireAdmin, toStored } from './app-support.js';
import { LOCATIONS, SPACES, type LocationDocument, type SpaceDocument } from './read-model.js';
import {
  decideChangePolicy,
  decideChangePrivacySettings,
  decideCreateLocation,
  decideCreateSpace,
  decideDisableLocation,
  decideDisableSpace,
  decideUpdateLocation,
  decideUpdateSpace,
  evolveLocation,
  evolvePolicy,
  evolvePrivacySettings,
  evolveSpace,
  initialLocation,
  initialPolicy,
  initialPrivacySettings,
  initialSpace,
  type Location,
  type PrivacySettings,
  type Space,
} from './rules/index.js';
import { locationStream, policyStream, spaceStream } from './streams.js';

export interface PlacesAppDeps {
  events: EventStore;
  readModel: ProjectionStore;
  /** Bookings read locations and policies from here; a change made here is seen by them at once. */
  states: Pick<StreamStates, 'forget'>;
  now: () => Date;
}

export const foldLocation = foldWith(initialLocation, evolveLocation);
export const foldSpace = foldWith(initialSpace, evolveSpace);
export const foldPolicy = foldWith(initialPolicy, evolvePolicy);
export const foldPrivacySettings = foldWith(initialPrivacySettings, evolvePrivacySettings);
export const locationEvolver = evolverOf(initialLocation, evolveLocation);
export const policyEvolver = evolverOf(initialPolicy, evolvePolicy);

export function locationView(location: Location): LocationView {
  if (location.status === 'none') throw new DomainFailure(domainError('location.not_found', 'no such location'));
  const { id, name, timezone, bookableWeekdays, capacity, status } = location;
  return { id, name, timezone, bookableWeekdays: [...bookableWeekdays], capacity: capacity ?? null, status };
}

export function spaceView(space: Space | SpaceDocument): SpaceView {
  if (space.status === 'none') throw new DomainFailure(domainError('space.not_found', 'no such space'));
  const { id, locationId, name, kind, floor, zone, status } = space;
  return { id, name, kind, status, ...(locationId === undefined ? {} : { locationId }), ...(floor === undefined ? {} : { floor }), ...(zone === undefined ? {} : { zone }) };
}

/** Locations, spaces and the tenant's rules: each a single stream, so the plain command cycle. */
export class PlacesApp {
  /** Resolves once what this process committed is in the read model (its relay's `idle`); unset until the relay runs. */
  private ownEventsProjected: () => Promise<void> = async () => undefined;

  constructor(private readonly deps: PlacesAppDeps) {}

  /** See `BookingsApp.projectsThrough`. */
  projectsThrough(relay: { idle(): Promise<void> }): void {
    this.ownEventsProjected = () => relay.idle().catch(() => undefined);
  }

  /**
   * A tenant's settings are in force once saved: decisions read the policy stream itself, and reads
   * that go by the read model (who sees who booked, retention, the no-show grace) find the change
   * there, since the answer waits until this replica's relay has projected it.
   */
  private async inForce<R>(saved: Promise<R>): Promise<R> {
    const result = await saved;
    await this.ownEventsProjected();
    return result;
  }

  private command<S, R>(
    streamId: string,
    fold: (events: RecordedEvent[]) => S,
    decide: (state: S) => Promise<{ events: NewEvent[]; result: R }> | { events: NewEvent[]; result: R },
  ): Promise<R> {
    return handleCommand(this.deps.events, streamId, fold, decide).finally(() => this.deps.states.forget([streamId]));
  }

  createLocation(request: RequestOf<typeof CreateLocation>, ctx: RequestContext): Promise<LocationView> {
    requireAdmin(ctx);
    const locationId = randomUUID();
    const streamId = locationStream(ctx.tenantId, locationId);
    return this.command(streamId, foldLocation, (state) => {
      const events = decided(decideCreateLocation({ data: { locationId, ...request }, actor: ctx }, state));
      return { events: toStored(events, ctx, streamId, this.deps.now()), result: locationView(events.reduce(evolveLocation, state)) };
    });
  }

  updateLocation(request: RequestOf<typeof UpdateLocation>, ctx: RequestContext): Promise<LocationView> {
    requireAdmin(ctx);
    const streamId = locationStream(ctx.tenantId, request.locationId);
    return this.command(streamId, foldLocation, (state) => {
      const events = decided(decideUpdateLocation({ data: request, actor: ctx }, state));
      return { events: toStored(events, ctx, streamId, this.deps.now()), result: locationView(events.reduce(evolveLocation, state)) };
    });
  }

  disableLocation(locationId: string, ctx: RequestContext): Promise<LocationView> {
    requireAdmin(ctx);
    const streamId = locationStream(ctx.tenantId, locationId);
    return this.command(streamId, foldLocation, (state) => {
      const events = decided(decideDisableLocation({ data: { locationId }, actor: ctx }, state));
      return { events: toStored(events, ctx, streamId, this.deps.now()), result: locationView(events.reduce(evolveLocation, state)) };
    });
  }

  async getLocation(locationId: string, ctx: RequestContext): Promise<LocationView> {
    return locationView(foldLocation(await this.deps.events.readStream(locationStream(ctx.tenantId, locationId))));
  }

  async listLocations(query: z.infer<typeof PageQuery>, ctx: RequestContext) {
    const docs = await this.deps.readModel.find<LocationDocument>(LOCATIONS, { tenantId: ctx.tenantId });
    const { items, nextCursor } = page(docs, query);
    return { items: items.map(({ tenantId: _t, ...view }) => view), nextCursor };
  }

  async createSpace(request: RequestOf<typeof CreateSpace>, ctx: RequestContext): Promise<SpaceView> {
    requireAdmin(ctx);
    const location = foldLocation(await this.deps.events.readStream(locationStream(ctx.tenantId, request.locationId)));
    const spaceId = randomUUID();
    const streamId = spaceStream(ctx.tenantId, spaceId);
    return this.command(streamId, foldSpace, (space) => {
      const events = decided(decideCreateSpace({ data: { spaceId, ...request }, actor: ctx }, { space, location }));
      return { events: toStored(events, ctx, streamId, this.deps.now()), result: spaceView(events.reduce(evolveSpace, space)) };
    });
  }

  updateSpace(request: RequestOf<typeof UpdateSpace>, ctx: RequestContext): Promise<SpaceView> {
    requireAdmin(ctx);
    const streamId = spaceStream(ctx.tenantId, request.spaceId);
    return this.command(streamId, foldSpace, (state) => {
      const events = decided(decideUpdateSpace({ data: request, actor: ctx }, state));
      return { events: toStored(events, ctx, streamId, this.deps.now()), result: spaceView(events.reduce(evolveSpace, state)) };
    });
  }

  disableSpace(spaceId: string, ctx: RequestContext): Promise<SpaceView> {
    requireAdmin(ctx);
    const streamId = spaceStream(ctx.tenantId, spaceId);
    return this.command(streamId, foldSpace, (state) => {
      const events = decided(decideDisableSpace({ data: { spaceId }, actor: ctx }, state));
      return { events: toStored(events, ctx, streamId, this.deps.now()), result: spaceView(events.reduce(evolveSpace, state)) };
    });
  }

  async getSpace(spaceId: string, ctx: RequestContext): Promise<SpaceView> {
    return spaceView(foldSpace(await this.deps.events.readStream(spaceStream(ctx.tenantId, spaceId))));
  }

  async listSpaces(query: z.infer<typeof PageQuery> & { locationId: string }, ctx: RequestContext) {
    const location = await this.deps.readModel.get<LocationDocument>(LOCATIONS, query.locationId);
    if (location?.tenantId !== ctx.tenantId) throw new DomainFailure(domainError('location.not_found', 'no such location'));
    const docs = await this.deps.readModel.find<SpaceDocument>(SPACES, { tenantId: ctx.tenantId, locationId: query.locationId });
    const { items, nextCursor } = page(docs, query);
    return { items: items.map(spaceView), nextCursor };
  }

  async getPolicy(ctx: RequestContext): Promise<BookingPolicy> {
    return foldPolicy(await this.deps.events.readStream(policyStream(ctx.tenantId)));
  }

  changePolicy(request: RequestOf<typeof ChangeBookingPolicy>, ctx: RequestContext): Promise<BookingPolicy> {
    requireAdmin(ctx);
    const streamId = policyStream(ctx.tenantId);
    return this.inForce(
      this.command(streamId, foldPolicy, (state) => {
        const events = decided(decideChangePolicy({ data: request, actor: ctx }, state));
        return { events: toStored(events, ctx, streamId, this.deps.now()), result: events.reduce(evolvePolicy, state) };
      }),
    );
  }

  async getPrivacySettings(ctx: RequestContext): Promise<PrivacySettings> {
    return foldPrivacySettings(await this.deps.events.readStream(policyStream(ctx.tenantId)));
  }

  changePrivacySettings(changes: RequestOf<typeof ChangePrivacySettings>, ctx: RequestContext): Promise<PrivacySettings> {
    requireAdmin(ctx);
    const streamId = policyStream(ctx.tenantId);
    return this.inForce(
      this.command(streamId, foldPrivacySettings, (state) => {
        const events = decided(decideChangePrivacySettings({ changes, actor: ctx }, state));
        return { events: toStored(events, ctx, streamId, this.deps.now()), result: events.reduce(evolvePrivacySettings, state) };
      }),
    );
  }
}
