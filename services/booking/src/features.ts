import type { Bus } from '@plass/bus';
import type { EventStore, StreamStates } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import type { BookingsApp } from './bookings/bookings-app.js';
import { editFeature } from './edit/feature.js';
import type { Ledgers } from './ledgers.js';
import type { PolicyGate } from './policy-gate.js';
import { seriesFeature } from './series/feature.js';

/** What every feature builds its use case on: the service's stores, keys, cache, clock, and the booking streams. */
export interface BookingCore {
  events: EventStore;
  readModel: ProjectionStore;
  shredder: Shredder;
  ledgers: Ledgers;
  policyGate: PolicyGate;
  states: StreamStates;
  now: () => Date;
  bookings: BookingsApp;
}

/**
 * A feature folder's whole part in the service (ADR 0018, "a new command"): it builds its use
 * case on the core and answers its requests. The folder holds its deciders, use case, specs and
 * this; the contract holds its events, requests and routes; nothing else names it but the list below.
 */
export interface BookingFeature {
  name: string;
  register(bus: Pick<Bus, 'handle'>, core: BookingCore): void;
}

/** The feature folders that register themselves (the older use cases are wired in `booking-handlers.ts`). */
export const BOOKING_FEATURES: readonly BookingFeature[] = [editFeature, seriesFeature];
