import { join } from 'node:path';
import { parseBase64Key } from '@plass/shredder';
import { applyNice, createLogger, initTracing } from '@plass/telemetry';
import { startIdentityService } from './identity-service.js';

const env = process.env;
const dataDir = env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'identity', level: env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'identity.log') });
initTracing({ serviceName: 'identity' });

/** A whole number of at least 1 from the environment, or the default; anything else stops the service. */
function count(name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return parsed;
}

try {
  applyNice(env, logger);
  const windowMinutes = count('PLASS_LOGIN_FAILURE_WINDOW_MINUTES');
  const loginThrottle = {
    ...(count('PLASS_LOGIN_ACCOUNT_MAX_FAILURES') === undefined ? {} : { maxFailures: count('PLASS_LOGIN_ACCOUNT_MAX_FAILURES')! }),
    ...(count('PLASS_LOGIN_ADDRESS_MAX_FAILURES') === undefined ? {} : { maxAddressFailures: count('PLASS_LOGIN_ADDRESS_MAX_FAILURES')! }),
    ...(windowMinutes === undefined ? {} : { windowMs: windowMinutes * 60_000 }),
  };
  await startIdentityService({
    loginThrottle,
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
