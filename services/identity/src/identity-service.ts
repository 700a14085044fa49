import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadOrCreateDevKey } from '@plass/shredder';
import { createLogger } from '@plass/telemetry';
import { IdentityLifecycle, IdentityModule, type IdentityModuleOptions } from './identity.module.js';

export type IdentityServiceConfig = Omit<IdentityModuleOptions, 'logger' | 'identityKey'> &
  Partial<Pick<IdentityModuleOptions, 'logger' | 'identityKey'>> & {
    /** Close on SIGTERM/SIGINT; the process entry point wants this, tests do not. */
    enableShutdownHooks?: boolean;
  };

export interface IdentityService {
  rebuildReadModel(): Promise<{ applied: number }>;
  settled(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The identity service as a Nest application context (no HTTP), serving on NATS. Without
 * `identityKey` a development key is kept at `<dataDir>/identity/identity.key`.
 */
export async function startIdentityService(config: IdentityServiceConfig): Promise<IdentityService> {
  const logger = config.logger ?? createLogger({ service: 'identity' });
  const identityKey = config.identityKey ?? loadOrCreateDevKey(join(config.dataDir, 'identity', 'identity.key'), logger, 'PLASS_IDENTITY_KEY');
  const app = await NestFactory.createApplicationContext(IdentityModule.forRoot({ ...config, logger, identityKey }), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  if (config.enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  const lifecycle = app.get(IdentityLifecycle);
  return {
    rebuildReadModel: () => lifecycle.rebuildReadModel(),
    settled: () => lifecycle.settled(),
    close: () => app.close(),
  };
}
