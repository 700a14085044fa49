import { NestFactory } from '@nestjs/core';
import { Bus } from '@plass/bus';
import { createLogger, type Logger } from '@plass/telemetry';
import { loadOrCreateDevMasterKey } from './master-key.js';
import { PrivacyLifecycle, PrivacyModule, type PrivacyModuleOptions } from './privacy.module.js';

export type PrivacyServiceConfig = Omit<PrivacyModuleOptions, 'masterKey' | 'logger' | 'connectBus' | 'eventStore' | 'projectionStore'> &
  Partial<Pick<PrivacyModuleOptions, 'eventStore' | 'projectionStore'>> & {
    natsUrl: string;
    /** 32 bytes; without it a development key is kept at `<dataDir>/privacy/master.key`. */
    masterKey?: Buffer;
    logger?: Logger;
    /** Close on SIGTERM/SIGINT; the process entry point wants this, tests do not. */
    enableShutdownHooks?: boolean;
  };

export interface PrivacyService {
  /** Resolves when no saga or export assembly runs and every committed event is published and projected. */
  settled(): Promise<boolean>;
  /** Continues every pending erasure and export now (what the leader does every few seconds); answers how many ran. */
  resumeSagas(): Promise<number>;
  /** Deletes the export bundles whose time is up (what the leader does every few seconds); answers how many. */
  expireExportBundles(): Promise<number>;
  /** Deletes the audit-log days and finished request records past their retention (what the leader does hourly). */
  expireRecords(): Promise<{ auditDays: number; requests: number }>;
  rebuildReadModel(): Promise<{ applied: number }>;
  close(): Promise<void>;
}

/** The privacy service as a Nest application context (no HTTP): the key vault and the data subjects' rights, on NATS. */
export async function startPrivacyService(config: PrivacyServiceConfig): Promise<PrivacyService> {
  const { natsUrl, masterKey, logger: givenLogger, enableShutdownHooks, ...options } = config;
  const logger = givenLogger ?? createLogger({ service: 'privacy' });
  const app = await NestFactory.createApplicationContext(
    PrivacyModule.forRoot({
      eventStore: 'sqlite',
      projectionStore: 'sqlite',
      ...options,
      masterKey: masterKey ?? loadOrCreateDevMasterKey(config.dataDir, logger),
      logger,
      connectBus: () => Bus.connect({ servers: natsUrl, name: 'privacy', logger }),
    }),
    { logger: ['error', 'warn'], abortOnError: false },
  );
  if (enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  const lifecycle = app.get(PrivacyLifecycle);
  return {
    settled: () => lifecycle.settled(),
    resumeSagas: () => lifecycle.resume(),
    expireExportBundles: () => lifecycle.expireExportBundles(),
    expireRecords: () => lifecycle.expireRecords(),
    rebuildReadModel: () => lifecycle.rebuildReadModel(),
    close: () => app.close(),
  };
}
