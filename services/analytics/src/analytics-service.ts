import { NestFactory } from '@nestjs/core';
import { createLogger } from '@plass/telemetry';
import { AnalyticsLifecycle, AnalyticsModule, type AnalyticsModuleOptions } from './analytics.module.js';
import type { RebuildProgress } from './rebuild.js';

export type AnalyticsServiceConfig = Omit<AnalyticsModuleOptions, 'logger' | 'eventStore' | 'projectionStore'> &
  Partial<Pick<AnalyticsModuleOptions, 'logger' | 'eventStore' | 'projectionStore'>> & { enableShutdownHooks?: boolean };

export interface AnalyticsService {
  /** Resolves once every booking event in JetStream is applied. */
  settled(): Promise<boolean>;
  /** Replays booking's events into a fresh store and swaps it in. */
  rebuild(onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress>;
  close(): Promise<void>;
}

/** The analytics service as a Nest application context (no HTTP), serving on NATS. */
export async function startAnalyticsService(config: AnalyticsServiceConfig): Promise<AnalyticsService> {
  const logger = config.logger ?? createLogger({ service: 'analytics' });
  const app = await NestFactory.createApplicationContext(AnalyticsModule.forRoot({ eventStore: 'sqlite', projectionStore: 'sqlite', ...config, logger }), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  if (config.enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  const lifecycle = app.get(AnalyticsLifecycle);
  return {
    settled: () => lifecycle.settled(),
    rebuild: (onProgress) => lifecycle.rebuild(onProgress),
    close: () => app.close(),
  };
}
