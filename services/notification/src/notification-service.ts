import { NestFactory } from '@nestjs/core';
import { createLogger, type Metrics } from '@plass/telemetry';
import { NotificationLifecycle, NotificationModule, type NotificationModuleOptions } from './notification.module.js';

export type NotificationServiceConfig = Omit<NotificationModuleOptions, 'logger'> & Partial<Pick<NotificationModuleOptions, 'logger'>> & { enableShutdownHooks?: boolean };

export interface NotificationService {
  /** Resolves once every booking and identity event in JetStream is applied. */
  settled(): Promise<boolean>;
  /** One round of the delivery leader's work (tests call it with their clock instead of waiting for the timer). */
  deliverDue(): ReturnType<NotificationLifecycle['deliverDue']>;
  /** One round as the delivery lease allows it: false when another replica holds the lease. */
  deliverIfLeader(): Promise<boolean>;
  applyRetention(): Promise<number>;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

/** The notification service as a Nest application context (no HTTP), serving on NATS. */
export async function startNotificationService(config: NotificationServiceConfig): Promise<NotificationService> {
  const logger = config.logger ?? createLogger({ service: 'notification' });
  const app = await NestFactory.createApplicationContext(NotificationModule.forRoot({ ...config, logger }), { logger: ['error', 'warn'], abortOnError: false });
  if (config.enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  const lifecycle = app.get(NotificationLifecycle);
  return {
    settled: () => lifecycle.settled(),
    deliverDue: () => lifecycle.deliverDue(),
    deliverIfLeader: () => lifecycle.deliverIfLeader(),
    applyRetention: () => lifecycle.applyRetention(),
    metrics: lifecycle.metrics,
    close: () => app.close(),
  };
}
