import { join } from 'node:path';
import { applyNice, createLogger, initTracing } from '@plass/telemetry';
import { startGateway } from './gateway.js';

const dataDir = process.env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({
  service: 'gateway',
  file: join(dataDir, 'logs', 'gateway.log'),
  ...(process.env.PLASS_LOG_LEVEL ? { level: process.env.PLASS_LOG_LEVEL } : {}),
});
// Without an OTLP endpoint spans are not exported, but trace context still flows to the services.
const tracing = initTracing({ serviceName: 'gateway', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new Error(`PLASS_GATEWAY_PORT is not a port: ${value}`);
  return parsed;
}

/** `true`, or the proxies' addresses/CIDRs, comma-separated: whose X-Forwarded-For to believe. */
function trustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** PLASS_LOGIN_ATTEMPTS_PER_MINUTE: the per-address flood guard on the login routes (failed logins are counted by identity). */
function loginAttempts(value: string | undefined): { attempts: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`PLASS_LOGIN_ATTEMPTS_PER_MINUTE must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return { attempts: parsed };
}

const operatorToken = process.env.PLASS_OPERATOR_TOKEN || undefined;
if (!operatorToken) logger.info('PLASS_OPERATOR_TOKEN is not set: POST /v1/tenants answers 401');

try {
  applyNice(process.env, logger);
  const gateway = await startGateway({
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    port: port(process.env.PLASS_GATEWAY_PORT, 8080),
    host: process.env.PLASS_GATEWAY_HOST ?? '0.0.0.0',
    logger,
    ...(operatorToken ? { operatorToken } : {}),
    trustProxy: trustProxy(process.env.PLASS_GATEWAY_TRUST_PROXY),
    ...(loginAttempts(process.env.PLASS_LOGIN_ATTEMPTS_PER_MINUTE) ? { loginThrottle: loginAttempts(process.env.PLASS_LOGIN_ATTEMPTS_PER_MINUTE)! } : {}),
    enableShutdownHooks: true,
    onShutdown: () => tracing.shutdown(),
  });
  logger.info({ url: gateway.url }, `gateway listening on ${gateway.url}`);
} catch (error) {
  logger.error({ err: error }, 'gateway failed to start');
  await tracing.shutdown();
  process.exit(1);
}
