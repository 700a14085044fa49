import {
  ChangeNotificationPreferences,
  ChangeNotificationSettings,
  GetBookingCalendar,
  GetNotificationPreferences,
  GetNotificationSettings,
  ListMyNotifications,
  ListNotifications,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { RouteHandlers } from './route-handlers.js';

export type NotificationRouteId =
  | 'getMyNotificationPreferences'
  | 'changeMyNotificationPreferences'
  | 'listMyNotifications'
  | 'getNotificationSettings'
  | 'changeNotificationSettings'
  | 'listNotifications'
  | 'getBookingCalendar';

/** The notification service's routes: preferences, the tenant's settings, the log, a booking's calendar entry. */
export function notificationHandlers(bus: Pick<Bus, 'request'>): Pick<RouteHandlers, NotificationRouteId> {
  return {
    getMyNotificationPreferences: async ({ ctx }) => ({ body: await bus.request(GetNotificationPreferences, {}, ctx) }),
    changeMyNotificationPreferences: async ({ body, ctx }) => ({ body: await bus.request(ChangeNotificationPreferences, body, ctx) }),
    listMyNotifications: async ({ query, ctx }) => ({ body: await bus.request(ListMyNotifications, query, ctx) }),
    getNotificationSettings: async ({ ctx }) => ({ body: await bus.request(GetNotificationSettings, {}, ctx) }),
    changeNotificationSettings: async ({ body, ctx }) => ({ body: await bus.request(ChangeNotificationSettings, body, ctx) }),
    listNotifications: async ({ query, ctx }) => ({ body: await bus.request(ListNotifications, query, ctx) }),
    getBookingCalendar: async ({ params, ctx }) => ({
      body: (await bus.request(GetBookingCalendar, { bookingId: params.id }, ctx)).calendar,
      contentType: 'text/calendar; charset=utf-8',
      headers: { 'content-disposition': `attachment; filename="booking-${params.id}.ics"`, 'cache-control': 'private, no-store' },
    }),
  };
}
