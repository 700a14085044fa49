import {
  ApplyRestriction,
  CancelBooking,
  CancelSubjectBookings,
  ChangeBookingPolicy,
  ChangePrivacySettings,
  CheckInBooking,
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
  exportSubject,
  forgetSubject,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { windowOf } from './app-support.js';
import type { Availability } from './availability.js';
import type { BookingsApp } from './bookings/bookings-app.js';
import type { PlacesApp } from './places-app.js';
import type { PolicyGate } from './policy-gate.js';
import type { SubjectData } from './subject-data.js';

const ForgetBookingSubject = forgetSubject('booking');
const ExportBookingSubject = exportSubject('booking');

/**
 * The booking service's NATS face: one handler per request contract; the tenant is always the
 * context's. The `booking.privacy.*` handlers are the privacy service's to call (NATS subject
 * permissions in production, as for the key vault).
 */
export function registerBookingHandlers(
  bus: Bus,
  apps: { places: PlacesApp; bookings: BookingsApp; availability: Availability; subjects: SubjectData; policyGate: PolicyGate },
): void {
  const { places, bookings, availability, subjects, policyGate } = apps;
  bus.handle(CreateLocation, (request, ctx) => places.createLocation(request, ctx));
  bus.handle(ListLocations, (request, ctx) => places.listLocations(request, ctx));
  bus.handle(GetLocation, (request, ctx) => places.getLocation(request.locationId, ctx));
  bus.handle(UpdateLocation, (request, ctx) => places.updateLocation(request, ctx));
  bus.handle(DisableLocation, (request, ctx) => places.disableLocation(request.locationId, ctx));
  bus.handle(CreateSpace, (request, ctx) => places.createSpace(request, ctx));
  bus.handle(ListSpaces, (request, ctx) => places.listSpaces(request, ctx));
  bus.handle(GetSpace, (request, ctx) => places.getSpace(request.spaceId, ctx));
  bus.handle(UpdateSpace, (request, ctx) => places.updateSpace(request, ctx));
  bus.handle(DisableSpace, (request, ctx) => places.disableSpace(request.spaceId, ctx));
  bus.handle(GetBookingPolicy, (_request, ctx) => places.getPolicy(ctx));
  bus.handle(ChangeBookingPolicy, (request, ctx) => places.changePolicy(request, ctx));
  bus.handle(GetPrivacySettings, (_request, ctx) => places.getPrivacySettings(ctx));
  bus.handle(ChangePrivacySettings, (request, ctx) => places.changePrivacySettings(request, ctx));
  bus.handle(CreateBooking, (request, ctx) => bookings.createBooking(request, ctx));
  bus.handle(GetBooking, (request, ctx) => bookings.getBooking(request.bookingId, ctx));
  bus.handle(ListMyBookings, async (request, ctx) => bookings.listMyBookings(windowOf(request), ctx));
  bus.handle(CancelBooking, (request, ctx) => bookings.cancelBooking(request.bookingId, ctx));
  bus.handle(CheckInBooking, (request, ctx) => bookings.checkIn(request.bookingId, ctx));
  bus.handle(ListSpaceBookings, async (request, ctx) => availability.spaceBookings(request.spaceId, windowOf(request), ctx));
  bus.handle(LocationAvailability, async (request, ctx) => availability.locationAvailability(request.locationId, windowOf(request), ctx));
  bus.handle(CancelSubjectBookings, (request, ctx) => subjects.cancelBookings(request.subjectId, ctx));
  bus.handle(ForgetBookingSubject, (request, ctx) => subjects.forget(request.subjectId, ctx));
  bus.handle(ApplyRestriction, (request, ctx) => policyGate.applyRestriction(request, ctx));
  bus.handle(ExportBookingSubject, (request, ctx) => subjects.export(request.subjectId, ctx));
}
