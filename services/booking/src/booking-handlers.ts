import { CreateBooking, CreateSpace, GetBooking, GetSpace } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { BookingApp } from './booking-app.js';

/** The booking service's NATS face: one handler per request contract. */
export function registerBookingHandlers(bus: Bus, app: BookingApp): void {
  bus.handle(CreateSpace, (request, ctx) => app.createSpace(request, ctx));
  bus.handle(GetSpace, (request, ctx) => app.getSpace(request.spaceId, ctx));
  bus.handle(CreateBooking, (request, ctx) => app.createBooking(request, ctx));
  bus.handle(GetBooking, (request, ctx) => app.getBooking(request.bookingId, ctx));
}
