import { join } from 'node:path';
import { parseBase64Key } from '@plass/shredder';
import { createLogger, initTracing } from '@plass/telemetry';
import { startIdentityService } from './identity-service.js';

const env = process.env;
const dataDir = env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'identity', level: env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'identity.log') });
initTracing({ serviceName: 'identity' });

try {
  await startIdentityService({
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    dataDir,
    identityKey: env.PLASS_IDENTITY_KEY ? parseBase64Key(env.PLASS_IDENTITY_KEY, 'PLASS_IDENTITY_KEY') : undefined,
    logger,
    enableShutdownHooks: true,
  });
} catch (error) {
  logger.error({ err: error }, 'identity service failed to start');
  process.exit(1);
}
