import { join } from 'node:path';
import { applyNice, createLogger, initTracing } from '@plass/telemetry';
import { startBookingService } from './booking-service.js';

const env = process.env;
const dataDir = env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'booking', level: env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'booking.log') });
initTracing({ serviceName: 'booking' });

function milliseconds(name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1000) throw new Error(`${name} must be a whole number of milliseconds, at least 1000`);
  return value;
}

function count(name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number, at least 1`);
  return value;
}

try {
  applyNice(env, logger);
  await startBookingService({
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    dataDir,
    eventStore: env.PLASS_EVENTSTORE === 'kurrentdb' ? 'kurrentdb' : 'sqlite',
    kurrentdbUrl: env.KURRENTDB_URL,
    projectionStore: env.PLASS_PROJECTION_STORE === 'mongodb' ? 'mongodb' : 'sqlite',
    mongodbUrl: env.MONGODB_URL,
    retentionEveryMs: milliseconds('PLASS_RETENTION_INTERVAL_MS'),
    cachedEntries: count('PLASS_BOOKING_CACHED_ENTRIES'),
    logger,
    enableShutdownHooks: true,
    // Test-only: dies like kill -9 between a booking's append and its reply (e2e/src/idempotency.e2e.spec.ts).
    ...(env.PLASS_FAULT_KILL_AFTER_BOOKING_APPEND === 'true' ? { afterBookingAppended: () => process.kill(process.pid, 'SIGKILL') } : {}),
  });
} catch (error) {
  logger.error({ err: error }, 'booking service failed to start');
  process.exit(1);
}
