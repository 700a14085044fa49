import {
  CancelBooking,
  ChangeBookingPolicy,
  ChangePrivacySettings,
  CreateBooking,
  CreateLocation,
  CreateSpace,
  DisableLocation,
  DisableSpace,
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
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { etagOf } from './conditional.js';
import type { RouteHandlers } from './route-handlers.js';

export type BookingRouteId =
  | 'createLocation'
  | 'listLocations'
  | 'getLocation'
  | 'updateLocation'
  | 'disableLocation'
  | 'createSpace'
  | 'listSpaces'
  | 'locationAvailability'
  | 'getSpace'
  | 'updateSpace'
  | 'disableSpace'
  | 'listSpaceBookings'
  | 'getBookingPolicy'
  | 'changeBookingPolicy'
  | 'getPrivacySettings'
  | 'changePrivacySettings'
  | 'createBooking'
  | 'getBooking'
  | 'listMyBookings'
  | 'cancelBooking';

/** The booking service's routes not forwarded by the table (`forwarded-routes.ts`): path ids become the request's named ids; bodies and queries pass through. */
export function bookingHandlers(bus: Pick<Bus, 'request'>): Pick<RouteHandlers, BookingRouteId> {
  return {
    createLocation: async ({ body, ctx }) => {
      const location = await bus.request(CreateLocation, body, ctx);
      return { body: location, location: `/v1/locations/${location.id}` };
    },
    listLocations: async ({ query, ctx }) => ({ body: await bus.request(ListLocations, query, ctx) }),
    getLocation: async ({ params, ctx }) => ({ body: await bus.request(GetLocation, { locationId: params.id }, ctx) }),
    updateLocation: async ({ params, body, ctx }) => ({ body: await bus.request(UpdateLocation, { ...body, locationId: params.id }, ctx) }),
    disableLocation: async ({ params, ctx }) => ({ body: await bus.request(DisableLocation, { locationId: params.id }, ctx) }),
    createSpace: async ({ params, body, ctx }) => {
      const space = await bus.request(CreateSpace, { ...body, locationId: params.id }, ctx);
      return { body: space, location: `/v1/spaces/${space.id}` };
    },
    listSpaces: async ({ params, query, ctx }) => ({ body: await bus.request(ListSpaces, { ...query, locationId: params.id }, ctx) }),
    locationAvailability: async ({ params, query, ctx }) => ({
      body: await bus.request(LocationAvailability, { locationId: params.id, from: query.from, to: query.to }, ctx),
    }),
    getSpace: async ({ params, ctx }) => ({ body: await bus.request(GetSpace, { spaceId: params.id }, ctx) }),
    updateSpace: async ({ params, body, ctx }) => ({ body: await bus.request(UpdateSpace, { ...body, spaceId: params.id }, ctx) }),
    disableSpace: async ({ params, ctx }) => ({ body: await bus.request(DisableSpace, { spaceId: params.id }, ctx) }),
    listSpaceBookings: async ({ params, query, ctx }) => ({
      body: await bus.request(ListSpaceBookings, { spaceId: params.id, from: query.from, to: query.to }, ctx),
    }),
    getBookingPolicy: async ({ ctx }) => ({ body: await bus.request(GetBookingPolicy, {}, ctx) }),
    changeBookingPolicy: async ({ body, ctx }) => ({ body: await bus.request(ChangeBookingPolicy, body, ctx) }),
    getPrivacySettings: async ({ ctx }) => ({ body: await bus.request(GetPrivacySettings, {}, ctx) }),
    changePrivacySettings: async ({ body, ctx }) => ({ body: await bus.request(ChangePrivacySettings, body, ctx) }),
    createBooking: async ({ body, ctx, resourceId }) => {
      const booking = await bus.request(CreateBooking, { ...body, ...(resourceId === undefined ? {} : { bookingId: resourceId }) }, ctx);
      return { body: booking, location: `/v1/bookings/${booking.id}` };
    },
    getBooking: async ({ params, ctx }) => {
      const booking = await bus.request(GetBooking, { bookingId: params.id }, ctx);
      return { body: booking, headers: { etag: etagOf(booking.version) } };
    },
    listMyBookings: async ({ query, ctx }) => ({ body: await bus.request(ListMyBookings, { from: query.from, to: query.to }, ctx) }),
    cancelBooking: async ({ params, ctx }) => {
      await bus.request(CancelBooking, { bookingId: params.id }, ctx);
      return {};
    },
  };
}
