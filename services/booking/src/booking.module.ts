import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Bus, consumeEvents, ensureStreams, publishEvent, type EventConsumer } from '@plass/bus';
import { Subjects } from '@plass/contracts';
import { allEnvelopes, toEnvelope, type EventStore, type Relay } from '@plass/eventstore';
import { ProjectionRunner, type ProjectionStore } from '@plass/projections';
import { NatsKeyClient, Shredder } from '@plass/shredder';
import type { Logger } from '@plass/telemetry';
import { BookingApp } from './booking-app.js';
import { registerBookingHandlers } from './booking-handlers.js';
import { bookingsReadModel } from './bookings/read-model.js';
import { openEventStore, openReadModelStore, type StoreConfig } from './stores.js';

export interface BookingModuleOptions extends StoreConfig {
  natsUrl: string;
  logger: Logger;
  keyCacheTtlMs?: number;
  now?: () => Date;
}

export const OPTIONS = Symbol('BOOKING_OPTIONS');
export const BUS = Symbol('BUS');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
export const BOOKING_APP = Symbol('BOOKING_APP');

/**
 * Starts serving once everything is built: the relay (event store → JetStream), the read-model
 * consumer (JetStream → projection), then the request handlers. Shutdown runs in reverse.
 */
@Injectable()
export class BookingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private relay: Relay | undefined;
  private consumer: EventConsumer | undefined;
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(OPTIONS) private readonly options: BookingModuleOptions,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ProjectionStore,
    @Inject(BOOKING_APP) private readonly app: BookingApp,
  ) {
    this.runner = new ProjectionRunner({ definition: bookingsReadModel, store: readModel, logger: options.logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.bus);
    this.relay = this.events.relay(
      { publish: async (recorded) => void (await publishEvent(this.bus, toEnvelope(recorded))) },
      { onError: (error) => this.options.logger.warn({ err: error }, 'relay publish failed; retrying') },
    );
    await this.relay.start();
    this.consumer = await consumeEvents(this.bus, {
      durable: 'booking-read-model',
      filterSubject: Subjects.eventsOfContext('booking'),
      handler: async (envelope) => void (await this.runner.handle(envelope)),
    });
    registerBookingHandlers(this.bus, this.app);
    this.bus.serveHealth();
    await this.bus.flush();
    this.options.logger.info('booking service is serving');
  }

  /** Replays the read model from the event store (the source of truth). */
  rebuildReadModel(): Promise<{ applied: number }> {
    return this.runner.rebuild(allEnvelopes(this.events));
  }

  /** Resolves when every committed event is published and projected. */
  async settled(): Promise<boolean> {
    await this.relay?.idle();
    return (await this.consumer?.caughtUp()) ?? false;
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.bus.close();
      await this.relay?.stop();
    } finally {
      await this.events.close();
      await this.readModel.close();
    }
  }
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
          provide: BOOKING_APP,
          inject: [BUS, EVENT_STORE, READ_MODEL],
          useFactory: (bus: Bus, events: EventStore, readModel: ProjectionStore) =>
            new BookingApp({
              events,
              readModel,
              shredder: new Shredder(new NatsKeyClient(bus, { ttlMs: options.keyCacheTtlMs ?? 30_000 })),
              now: options.now ?? (() => new Date()),
            }),
        },
        BookingLifecycle,
      ],
    };
  }
}
