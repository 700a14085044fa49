import type { Bus } from '@plass/bus';
import type { BookingsApp, BookingsAppDeps } from './bookings/bookings-app.js';
import { editFeature } from './edit/feature.js';
import { seriesFeature } from './series/feature.js';

/** What every feature builds its use case on: what the booking use cases are built on (stores, keys, cache, clock), and the booking streams. */
export type BookingCore = Omit<BookingsAppDeps, 'afterBookingAppended'> & { bookings: BookingsApp };

/**
 * A feature folder's whole part in the service (ADR 0019, "the files a new command needs"): it builds its use
 * case on the core and answers its requests. The folder holds its deciders, use case, specs and
 * this; the contract holds its events, requests and routes; nothing else names it but the list below.
 */
export interface BookingFeature {
  name: string;
  register(bus: Pick<Bus, 'handle'>, core: BookingCore): void;
}

/** The feature folders that register themselves (the older use cases are wired in `booking-handlers.ts`). */
export const BOOKING_FEATURES: readonly BookingFeature[] = [editFeature, seriesFeature];
