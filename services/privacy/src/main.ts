import { join } from 'node:path';
import { applyNice, createLogger, initTracing } from '@plass/telemetry';
import { parseMasterKey, parsePreviousMasterKeys } from './master-key.js';
import { parseParticipants, parsePlatformSubProcessors, parseRetentionDays } from './participants.js';
import { DEPLOYED_ERASURE_PARTICIPANTS } from './privacy.module.js';
import { startPrivacyService } from './privacy-service.js';

const env = process.env;
const dataDir = env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'privacy', level: env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'privacy.log') });
initTracing({ serviceName: 'privacy' });

try {
  applyNice(env, logger);
  const keyStore = env.PLASS_KEYVAULT_STORE ?? 'sqlite';
  if (keyStore !== 'sqlite' && keyStore !== 'mongodb') throw new Error('PLASS_KEYVAULT_STORE: "sqlite" or "mongodb"');
  await startPrivacyService({
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    dataDir,
    masterKey: env.PLASS_MASTER_KEY ? parseMasterKey(env.PLASS_MASTER_KEY) : undefined,
    previousMasterKeys: parsePreviousMasterKeys(env.PLASS_MASTER_KEY_PREVIOUS),
    keyStore,
    eventStore: env.PLASS_EVENTSTORE === 'kurrentdb' ? 'kurrentdb' : 'sqlite',
    kurrentdbUrl: env.KURRENTDB_URL,
    projectionStore: env.PLASS_PROJECTION_STORE === 'mongodb' ? 'mongodb' : 'sqlite',
    mongodbUrl: env.MONGODB_URL,
    erasureParticipants: parseParticipants(env.PLASS_ERASURE_PARTICIPANTS, DEPLOYED_ERASURE_PARTICIPANTS),
    platformSubProcessors: parsePlatformSubProcessors(env.PLASS_SUB_PROCESSORS),
    recordRetentionDays: parseRetentionDays(env.PLASS_PRIVACY_RECORD_RETENTION_DAYS),
    logger,
    enableShutdownHooks: true,
  });
} catch (error) {
  logger.error({ err: error }, 'privacy service failed to start');
  process.exit(1);
}
