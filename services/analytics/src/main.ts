import { join } from 'node:path';
import { applyNice, createLogger, initTracing } from '@plass/telemetry';
import { startAnalyticsService } from './analytics-service.js';

const env = process.env;
const dataDir = env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'analytics', level: env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'analytics.log') });
initTracing({ serviceName: 'analytics' });

try {
  applyNice(env, logger);
  await startAnalyticsService({
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    dataDir,
    eventStore: env.PLASS_EVENTSTORE === 'kurrentdb' ? 'kurrentdb' : 'sqlite',
    kurrentdbUrl: env.KURRENTDB_URL,
    projectionStore: env.PLASS_PROJECTION_STORE === 'mongodb' ? 'mongodb' : 'sqlite',
    mongodbUrl: env.MONGODB_URL,
    logger,
    enableShutdownHooks: true,
  });
} catch (error) {
  logger.error({ err: error }, 'analytics service failed to start');
  process.exit(1);
}
