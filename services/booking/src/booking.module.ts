import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Bus, Lease, ensureLeaseStore, ensureStreams, runWhileLeader, type EventConsumer, type LeaderRunner } from '@plass/bus';
import { DestroyExpiredKeys, KeysDestroyed, PolicyAcknowledgementStatus, Subjects, type RequestContext } from '@plass/contracts';
import { allEnvelopes, StreamStates, type EventStore, type Relay } from '@plass/eventstore';
import { ProjectionRunner, projectFromJetStream, relayToJetStream, type ProjectionStore } from '@plass/projections';
import { NatsKeyClient, Shredder } from '@plass/shredder';
import type { Logger } from '@plass/telemetry';
import { Availability } from './availability.js';
import { registerBookingHandlers } from './booking-handlers.js';
import { BOOKING_FEATURES, type BookingCore } from './features.js';
import { BookingsApp } from './bookings/bookings-app.js';
import { LedgerPseudonyms } from './ledger-pseudonym.js';
import { migrateToDayLayout } from './layout-migration.js';
import { Ledgers } from './ledgers.js';
import { PlacesApp } from './places-app.js';
import { PolicyGate } from './policy-gate.js';
import { privacyPolicies } from './privacy-policies.js';
import { bookingReadModel } from './read-model.js';
import { Retention } from './retention.js';
import { openEventStore, openReadModelStore, type StoreConfig } from './stores.js';
import { SubjectData } from './subject-data.js';
import { usersDirectory } from './users-directory.js';

export interface BookingModuleOptions extends StoreConfig {
  natsUrl: string;
  logger: Logger;
  keyCacheTtlMs?: number;
  /**
   * How many bookings the cached schedules, ledgers and occupancy days may hold together (ADR 0009):
   * ~150 bytes of heap each. Default 200,000.
   */
  cachedEntries?: number;
  now?: () => Date;
  /** How often the no-show release worker looks for due bookings (while it holds the lease). */
  noShowEveryMs?: number;
  /** How often the retention job destroys expired booking keys (while it holds the lease); default 15 minutes. */
  retentionEveryMs?: number;
  /** Fault injection for tests (`PLASS_FAULT_KILL_AFTER_BOOKING_APPEND`): runs after a new booking's append, before its reply. */
  afterBookingAppended?: () => void;
}

export const DEFAULT_RETENTION_EVERY_MS = 15 * 60_000;
export const DEFAULT_CACHED_ENTRIES = 150_000;

export const OPTIONS = Symbol('BOOKING_OPTIONS');
export const BUS = Symbol('BUS');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
export const APPS = Symbol('BOOKING_APPS');

export interface BookingApps {
  places: PlacesApp;
  bookings: BookingsApp;
  availability: Availability;
  subjects: SubjectData;
  retention: Retention;
  policyGate: PolicyGate;
  /** What the feature folders build on (`features.ts`). */
  core: BookingCore;
}

/** Booking asking another service on its own behalf: the tenant, no actor, no roles. */
const serviceContext = (tenantId: string, correlationId: string = randomUUID()): RequestContext => ({ tenantId, roles: [], correlationId });

/**
 * Starts serving once everything is built: the relay (event store → JetStream and the read model),
 * the read-model consumers of other services' events (identity's users; privacy's policies), the
 * request handlers, then the no-show and retention workers. Shutdown runs in reverse.
 */
@Injectable()
export class BookingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private relay: Relay | undefined;
  private consumers: EventConsumer[] = [];
  private workers: LeaderRunner[] = [];
  readonly runner: ProjectionRunner;
  readonly users: ProjectionRunner;
  readonly policies: ProjectionRunner;

  constructor(
    @Inject(OPTIONS) private readonly options: BookingModuleOptions,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ProjectionStore,
    @Inject(APPS) private readonly apps: BookingApps,
  ) {
    this.runner = new ProjectionRunner({ definition: bookingReadModel, store: readModel, logger: options.logger });
    this.users = new ProjectionRunner({ definition: usersDirectory, store: readModel, logger: options.logger });
    this.policies = new ProjectionRunner({ definition: privacyPolicies, store: readModel, logger: options.logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    const moved = await migrateToDayLayout(this.events, this.options.now ?? (() => new Date()), (line) => this.options.logger.info(line));
    if (moved && moved.events > 0) this.options.logger.info(moved, 'layout migration: bookings of before ADR 0018 hold their slots per day');
    await ensureStreams(this.bus);
    await ensureLeaseStore(this.bus);
    this.relay = await relayToJetStream(this.bus, this.events, this.options.logger, [{ name: 'booking-read-model', runner: this.runner }]);
    this.apps.bookings.projectsThrough(this.relay);
    this.apps.places.projectsThrough(this.relay);
    this.consumers.push(
      await projectFromJetStream(this.bus, this.users, { durable: 'booking-users', filterSubject: Subjects.eventsOfContext('identity') }),
      await projectFromJetStream(this.bus, this.policies, { durable: 'booking-privacy-policies', filterSubject: Subjects.eventsOfContext('privacy') }),
    );
    registerBookingHandlers(this.bus, this.apps);
    for (const feature of BOOKING_FEATURES) feature.register(this.bus, this.apps.core);
    const now = this.options.now ?? (() => new Date());
    const holder = randomUUID();
    const noShowLease = new Lease(this.bus, { name: 'booking-no-show-release', holder, ttlMs: 30_000, now: () => now().getTime() });
    const retentionEveryMs = this.options.retentionEveryMs ?? DEFAULT_RETENTION_EVERY_MS;
    // The lease outlives a round by far: one replica runs retention, another takes over when it is gone.
    const retentionLease = new Lease(this.bus, { name: 'booking-retention', holder, ttlMs: 3 * retentionEveryMs, now: () => now().getTime() });
    this.workers.push(
      runWhileLeader(noShowLease, async () => void (await this.releaseDueNoShows()), {
        everyMs: this.options.noShowEveryMs ?? 5000,
        onError: (error) => this.options.logger.warn({ err: error }, 'no-show release round failed'),
      }),
      runWhileLeader(retentionLease, async () => void (await this.runRetention()), {
        everyMs: retentionEveryMs,
        onError: (error) => this.options.logger.warn({ err: error }, 'retention round failed'),
      }),
    );
    this.bus.serveHealth();
    await this.bus.flush();
    this.options.logger.info('booking service is serving');
  }

  releaseDueNoShows(): Promise<{ released: number }> {
    return this.apps.bookings.releaseDueNoShows((error) => this.options.logger.warn({ err: error }, 'releasing a no-show failed'));
  }

  /** Destroys the booking keys retention lets expire at the service's `now()`, for every tenant that anonymizes. */
  async runRetention(): Promise<{ tenants: number; destroyedKeys: number }> {
    const result = await this.apps.retention.run((error, tenantId) => this.options.logger.warn({ err: error, tenantId }, 'retention failed for a tenant'));
    if (result.destroyedKeys > 0) this.options.logger.info(result, 'retention destroyed booking keys');
    return result;
  }

  /** Replays every booking-side read model from the event store (ledgers are private and never read). */
  rebuildReadModel(): Promise<{ applied: number }> {
    return this.runner.rebuild(allEnvelopes(this.events));
  }

  /** Resolves when every committed event is published and projected. */
  async settled(): Promise<boolean> {
    await this.relay?.idle();
    const caughtUp = await Promise.all(this.consumers.map((consumer) => consumer.caughtUp()));
    return caughtUp.length > 0 && caughtUp.every(Boolean);
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await Promise.all(this.workers.map((worker) => worker.stop()));
      // The relay publishes through the bus: stopped first, it never meets a closed connection
      // (what it has not published stays in the outbox for the next start).
      await this.relay?.stop();
      await this.bus.close();
    } finally {
      await this.events.close();
      await this.readModel.close();
    }
  }
}

/**
 * The booking service's use cases over its bus and stores, as the module wires them; also what the
 * benchmark's history writer (`history.ts`) books through.
 */
export function bookingApps(bus: Bus, events: EventStore, readModel: ProjectionStore, options: Omit<BookingModuleOptions, 'natsUrl' | 'logger' | keyof StoreConfig>): BookingApps {
  const now = options.now ?? (() => new Date());
  const keyCacheTtlMs = options.keyCacheTtlMs ?? 30_000;
  const keys = new NatsKeyClient(bus, { ttlMs: keyCacheTtlMs });
  const shredder = new Shredder(keys);
  const states = new StreamStates(events, { maxEntries: options.cachedEntries ?? DEFAULT_CACHED_ENTRIES });
  const ledgers = new Ledgers({ events, shredder, keys, pseudonyms: new LedgerPseudonyms(keys), states, refoldAfterMs: keyCacheTtlMs });
  bus.onBroadcast(KeysDestroyed, ({ tenantId }) => ledgers.keysDestroyed(tenantId));
  const policyGate = new PolicyGate({
    readModel,
    ask: (ctx, userId) => bus.request(PolicyAcknowledgementStatus, { userId }, serviceContext(ctx.tenantId, ctx.correlationId)),
  });
  const bookings = new BookingsApp({
    events,
    readModel,
    shredder,
    ledgers,
    policyGate,
    states,
    now,
    ...(options.afterBookingAppended ? { afterBookingAppended: options.afterBookingAppended } : {}),
  });
  const destroyExpiredKeys = async (tenantId: string, periodsBefore: string) =>
    (await bus.request(DestroyExpiredKeys, { purpose: 'booking', periodsBefore }, serviceContext(tenantId))).destroyedKeys;
  return {
    places: new PlacesApp({ events, readModel, states, now }),
    bookings,
    availability: new Availability({ readModel, shredder }),
    subjects: new SubjectData({ readModel, ledgers, bookings, now }),
    retention: new Retention({ readModel, now, destroyExpiredKeys }),
    policyGate,
    core: { events, readModel, shredder, ledgers, policyGate, states, now, bookings },
  };
}

@Module({})
export class BookingModule {
  static forRoot(options: BookingModuleOptions): DynamicModule {
    return {
      module: BookingModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: BUS, useFactory: () => Bus.connect({ servers: options.natsUrl, name: 'booking', logger: options.logger }) },
        { provide: EVENT_STORE, inject: [BUS], useFactory: () => openEventStore(options) },
        { provide: READ_MODEL, inject: [BUS], useFactory: () => openReadModelStore(options) },
        {
          provide: APPS,
          inject: [BUS, EVENT_STORE, READ_MODEL],
          useFactory: (bus: Bus, events: EventStore, readModel: ProjectionStore): BookingApps => bookingApps(bus, events, readModel, options),
        },
        BookingLifecycle,
      ],
    };
  }
}
