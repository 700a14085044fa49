import { EditBooking } from '@plass/contracts';
import type { BookingFeature } from '../features.js';
import { EditApp } from './edit-booking.js';

/** Editing a booking: `PATCH /v1/bookings/{id}` under `If-Match`. */
export const editFeature: BookingFeature = {
  name: 'edit',
  register(bus, { events, shredder, ledgers, policyGate, states, now, bookings }) {
    const edits = new EditApp({ events, shredder, ledgers, policyGate, states, now }, bookings.streams);
    bus.handle(EditBooking, (request, ctx) => edits.editBooking(request, ctx));
  },
};
