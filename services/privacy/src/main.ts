import { join } from 'node:path';
import { createLogger, initTracing } from '@plass/telemetry';
import { parseMasterKey } from './master-key.js';
import { startPrivacyService } from './privacy-service.js';

const dataDir = process.env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'privacy', level: process.env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'privacy.log') });
initTracing({ serviceName: 'privacy' });

try {
  if ((process.env.PLASS_KEYVAULT_STORE ?? 'sqlite') !== 'sqlite') {
    throw new Error('PLASS_KEYVAULT_STORE: only "sqlite" is available (the MongoDB key vault comes with the privacy issue)');
  }
  const masterKey = process.env.PLASS_MASTER_KEY;
  await startPrivacyService({
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    dataDir,
    masterKey: masterKey ? parseMasterKey(masterKey) : undefined,
    logger,
    enableShutdownHooks: true,
  });
} catch (error) {
  logger.error({ err: error }, 'privacy service failed to start');
  process.exit(1);
}
