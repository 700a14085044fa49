import { BookingConfirmed, DisplayName, DomainFailure, domainError, isRedacted, type RequestContext, type SlotView, type SpaceView } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { z } from 'zod';
import { spaceView } from './places-app.js';
import { BOOKINGS, LOCATIONS, SPACES, TENANT_SETTINGS, type BookingDocument, type SpaceDocument, type TenantSettingsDocument } from './read-model.js';
import { bookerVisible, initialVisibility } from './rules/index.js';
import { USERS, nameAad, userDocumentId, type UserDocument } from './users-directory.js';

const Profile = z.object({ displayName: DisplayName });

const holdsSpace = (doc: BookingDocument) => doc.status === 'confirmed' || doc.status === 'checked_in';
const inWindow = (doc: BookingDocument, window: { from: number; to: number }) => Date.parse(doc.start) < window.to && Date.parse(doc.end) > window.from;

/** Who booked what, shown to colleagues only as far as the tenant's rule and each user's choice allow. */
export class Availability {
  constructor(private readonly deps: { readModel: ProjectionStore; shredder: Shredder }) {}

  async spaceBookings(spaceId: string, window: { from: number; to: number }, ctx: RequestContext): Promise<{ items: SlotView[] }> {
    const space = await this.deps.readModel.get<SpaceDocument>(SPACES, spaceId);
    if (!space || space.tenantId !== ctx.tenantId) throw new DomainFailure(domainError('space.not_found', 'no such space'));
    const docs = await this.deps.readModel.find<BookingDocument>(BOOKINGS, { tenantId: ctx.tenantId, spaceId });
    return {
      items: await this.slots(
        docs.filter((doc) => holdsSpace(doc) && inWindow(doc, window)),
        ctx,
      ),
    };
  }

  async locationAvailability(locationId: string, window: { from: number; to: number }, ctx: RequestContext): Promise<{ items: Array<{ space: SpaceView; bookings: SlotView[] }> }> {
    const location = await this.deps.readModel.get<{ tenantId: string }>(LOCATIONS, locationId);
    if (!location || location.tenantId !== ctx.tenantId) throw new DomainFailure(domainError('location.not_found', 'no such location'));
    const spaces = (await this.deps.readModel.find<SpaceDocument>(SPACES, { tenantId: ctx.tenantId, locationId })).filter((space) => space.status === 'active');
    const docs = (await this.deps.readModel.find<BookingDocument>(BOOKINGS, { tenantId: ctx.tenantId, locationId })).filter((doc) => holdsSpace(doc) && inWindow(doc, window));
    const slots = await this.slots(docs, ctx);
    return { items: spaces.map((space) => ({ space: spaceView(space), bookings: slots.filter((slot) => slot.spaceId === space.id) })) };
  }

  private async slots(docs: BookingDocument[], ctx: RequestContext): Promise<SlotView[]> {
    const { tenantId } = ctx;
    const rule = (await this.deps.readModel.get<TenantSettingsDocument>(TENANT_SETTINGS, tenantId))?.bookingVisibility ?? initialVisibility;
    const bookers = await this.deps.shredder.decryptMany(
      BookingConfirmed.data.pick({ bookedBy: true }),
      docs.map((doc) => ({ stored: { bookedBy: doc.bookedBy }, aad: doc.streamId })),
      { tenantId },
    );
    const names = await this.namesOf(
      bookers.flatMap(({ data }) => (isRedacted(data.bookedBy) ? [] : [data.bookedBy])),
      (user, userId) => userId === ctx.actorId || bookerVisible(rule, user.bookingVisibility, ctx),
      tenantId,
    );
    return docs
      .map((doc, i) => {
        const bookedBy = bookers[i]!.data.bookedBy;
        const booker = isRedacted(bookedBy) ? null : (names.get(bookedBy) ?? null);
        return { id: doc.id, spaceId: doc.spaceId, start: doc.start, end: doc.end, status: doc.status, booker };
      })
      .sort((a, b) => a.start.localeCompare(b.start));
  }

  /** Display names of the users who may be shown (everyone sees their own); redacted (erased) names are absent. */
  private async namesOf(userIds: string[], visible: (user: UserDocument, userId: string) => boolean, tenantId: string): Promise<Map<string, string>> {
    const found = await Promise.all(
      [...new Set(userIds)].map(async (userId) => ({ userId, user: await this.deps.readModel.get<UserDocument>(USERS, userDocumentId(tenantId, userId)) })),
    );
    const users = found.filter(
      (entry): entry is { userId: string; user: UserDocument } => entry.user?.tenantId === tenantId && entry.user.displayName !== undefined && visible(entry.user, entry.userId),
    );
    const profiles = await this.deps.shredder.decryptMany(
      Profile,
      users.map(({ userId, user }) => ({ stored: { displayName: user.displayName }, aad: nameAad(user, userId) })),
      { tenantId },
    );
    const names = new Map<string, string>();
    users.forEach(({ userId }, i) => {
      const name = profiles[i]!.data.displayName;
      if (!isRedacted(name)) names.set(userId, name);
    });
    return names;
  }
}
