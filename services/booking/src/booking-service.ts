import { NestFactory } from '@nestjs/core';
import { createLogger } from '@plass/telemetry';
import { BookingLifecycle, BookingModule, type BookingModuleOptions } from './booking.module.js';

export type BookingServiceConfig = Omit<BookingModuleOptions, 'logger' | 'eventStore' | 'projectionStore'> &
  Partial<Pick<BookingModuleOptions, 'logger' | 'eventStore' | 'projectionStore'>> & { enableShutdownHooks?: boolean };

export interface BookingService {
  rebuildReadModel(): Promise<{ applied: number }>;
  settled(): Promise<boolean>;
  /** Releases every no-show due at the service's `now()` (what the leader's worker does every few seconds). */
  releaseDueNoShows(): Promise<{ released: number }>;
  /** One retention round at the service's `now()` (what the leader's worker does every `retentionEveryMs`). */
  runRetention(): Promise<{ tenants: number; destroyedKeys: number }>;
  close(): Promise<void>;
}

/** The booking service as a Nest application context (no HTTP), serving on NATS. */
export async function startBookingService(config: BookingServiceConfig): Promise<BookingService> {
  const logger = config.logger ?? createLogger({ service: 'booking' });
  const app = await NestFactory.createApplicationContext(BookingModule.forRoot({ eventStore: 'sqlite', projectionStore: 'sqlite', ...config, logger }), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  if (config.enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  const lifecycle = app.get(BookingLifecycle);
  return {
    rebuildReadModel: () => lifecycle.rebuildReadModel(),
    settled: () => lifecycle.settled(),
    releaseDueNoShows: () => lifecycle.releaseDueNoShows(),
    runRetention: () => lifecycle.runRetention(),
    close: () => app.close(),
  };
}
