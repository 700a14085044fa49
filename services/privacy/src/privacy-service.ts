import { NestFactory } from '@nestjs/core';
import { Bus } from '@plass/bus';
import { createLogger, type Logger } from '@plass/telemetry';
import { loadOrCreateDevMasterKey } from './master-key.js';
import { PrivacyModule } from './privacy.module.js';

export interface PrivacyServiceConfig {
  natsUrl: string;
  dataDir: string;
  /** 32 bytes; without it a development key is kept at `<dataDir>/privacy/master.key`. */
  masterKey?: Buffer;
  logger?: Logger;
  /** Close on SIGTERM/SIGINT; the process entry point wants this, tests do not. */
  enableShutdownHooks?: boolean;
}

/** The privacy service as a Nest application context (no HTTP) serving the key vault on NATS. */
export async function startPrivacyService(config: PrivacyServiceConfig): Promise<{ close(): Promise<void> }> {
  const logger = config.logger ?? createLogger({ service: 'privacy' });
  const masterKey = config.masterKey ?? loadOrCreateDevMasterKey(config.dataDir, logger);
  const app = await NestFactory.createApplicationContext(
    PrivacyModule.forRoot({
      dataDir: config.dataDir,
      masterKey,
      logger,
      connectBus: () => Bus.connect({ servers: config.natsUrl, name: 'privacy', logger }),
    }),
    { logger: ['error', 'warn'], abortOnError: false },
  );
  if (config.enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  return { close: () => app.close() };
}
