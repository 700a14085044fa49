import {
  BookingConfirmed,
  ChangeNotificationPreferences,
  ChangeNotificationSettings,
  DomainFailure,
  GetBookingCalendar,
  GetNotificationPreferences,
  GetNotificationSettings,
  ListMyNotifications,
  ListNotifications,
  domainError,
  exportSubject,
  forgetSubject,
  isRedacted,
  type RequestContext,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { bookingCalendar } from './messages/index.js';
import { readLog } from './outbox.js';
import {
  BOOKINGS,
  LOCATIONS,
  SPACES,
  bookingDocId,
  locationDocId,
  recipientId,
  spaceDocId,
  type BookingDocument,
  type LocationDocument,
  type SpaceDocument,
} from './projection.js';
import type { Settings } from './settings.js';
import type { SubjectData } from './subject-data.js';

export interface NotificationAppDeps {
  store: ProjectionStore;
  shredder: Shredder;
  settings: Settings;
  subjects: SubjectData;
  now: () => Date;
}

const forbidden = (message: string) => new DomainFailure(domainError('auth.forbidden', message));

function actor(ctx: RequestContext): string {
  if (!ctx.actorId) throw forbidden('only a user has notification preferences');
  return ctx.actorId;
}

function admin(ctx: RequestContext): void {
  if (!ctx.roles.includes('admin')) throw forbidden('only admins manage notifications');
}

/** The notification service's requests: preferences, settings, the log, calendars, and its part in erasure and export. */
export function registerNotificationHandlers(bus: Bus, deps: NotificationAppDeps): void {
  const { settings, store, subjects } = deps;
  bus.handle(GetNotificationPreferences, async (_query, ctx) => settings.preferencesOf(recipientId(ctx.tenantId, actor(ctx))));
  bus.handle(ChangeNotificationPreferences, async (changes, ctx) => settings.changePreferences(recipientId(ctx.tenantId, actor(ctx)), changes));
  bus.handle(GetNotificationSettings, async (_query, ctx) => {
    admin(ctx);
    return settings.of(ctx.tenantId);
  });
  bus.handle(ChangeNotificationSettings, async (changes, ctx) => {
    admin(ctx);
    return settings.change(ctx.tenantId, changes);
  });
  bus.handle(ListNotifications, async ({ userId, ...query }, ctx) => {
    admin(ctx);
    return readLog(store, { ...query, tenantId: ctx.tenantId, ...(userId === undefined ? {} : { owner: recipientId(ctx.tenantId, userId) }) });
  });
  bus.handle(ListMyNotifications, async (query, ctx) => readLog(store, { ...query, tenantId: ctx.tenantId, owner: recipientId(ctx.tenantId, actor(ctx)) }));
  bus.handle(GetBookingCalendar, async ({ bookingId }, ctx) => ({ calendar: await calendarOf(deps, bookingId, ctx) }));
  bus.handle(forgetSubject('notification'), async ({ subjectId }, ctx) => {
    await subjects.forget(ctx.tenantId, subjectId);
    return { service: 'notification', acknowledgedAt: deps.now().toISOString() };
  });
  bus.handle(exportSubject('notification'), async ({ subjectId }, ctx) => ({
    service: 'notification',
    sections: { notifications: await subjects.export(ctx.tenantId, subjectId) },
  }));
}

/** The booker's own booking only; anyone else is told there is no such booking. */
async function calendarOf(deps: NotificationAppDeps, bookingId: string, ctx: RequestContext): Promise<string> {
  const notFound = new DomainFailure(domainError('booking.not_found', 'no such booking'));
  const booking = await deps.store.get<BookingDocument>(BOOKINGS, bookingDocId(ctx.tenantId, bookingId));
  if (!booking || !ctx.actorId) throw notFound;
  const { data } = await deps.shredder.decrypt(BookingConfirmed.data.pick({ bookedBy: true }), { bookedBy: booking.bookedBy }, { tenantId: ctx.tenantId, aad: booking.streamId });
  if (isRedacted(data.bookedBy) || data.bookedBy !== ctx.actorId) throw notFound;
  const space = await deps.store.get<SpaceDocument>(SPACES, spaceDocId(ctx.tenantId, booking.spaceId));
  const location = space?.locationId ? await deps.store.get<LocationDocument>(LOCATIONS, locationDocId(ctx.tenantId, space.locationId)) : undefined;
  const settings = await deps.settings.of(ctx.tenantId);
  const ended = booking.status === 'cancelled' || booking.status === 'released';
  return bookingCalendar({
    bookingId,
    method: ended ? 'CANCEL' : 'REQUEST',
    sequence: ended ? 1 : 0,
    start: booking.start,
    end: booking.end,
    timeZone: location?.timezone ?? 'UTC',
    summary: space?.name ?? 'plass',
    location: [location?.name, space?.floor, space?.zone].filter(Boolean).join(', '),
    organizer: { name: settings.sender.name, email: settings.sender.address },
    url: `${settings.baseUrl}/bookings/${bookingId}`,
    stamp: deps.now().toISOString(),
  });
}
