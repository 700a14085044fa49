import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LauncherConfig {
  /** Absolute; all embedded state (event stores, key vault, projections, JetStream) lives here. */
  dataDir: string;
  gatewayPort: number;
  logLevel: LogLevel;
  /** An existing NATS server to use; when absent the launcher spawns one. */
  natsUrl?: string;
  /** Port for the spawned nats-server; when absent 4222 if free, else any free port. */
  natsPort?: number;
  /** PLASS_OPERATOR_TOKEN, or one generated for this run (and printed). */
  operatorToken: string;
  operatorTokenGenerated: boolean;
  /** Create a demo tenant with an admin login on first start (PLASS_SEED_DEMO=false turns it off). */
  seedDemo: boolean;
  /** PLASS_BACKGROUND_NICE: the nice value of the background services (default 10; 0 runs them like the rest). */
  backgroundNice: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function port(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${name} must be a TCP port (1-65535), got "${raw}"`);
  }
  return value;
}

function nice(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 19) throw new ConfigError(`${name} must be a nice value (0-19), got "${raw}"`);
  return value;
}

/**
 * Services whose work may lag by seconds without anyone waiting on it: analytics' projections and
 * notification's mails. On one machine the launcher runs them at a lower CPU priority than the
 * request path (ADR 0020), so that their bursts wait instead of delaying bookings.
 */
export const BACKGROUND_SERVICES: readonly string[] = ['analytics', 'notification'];

/** `env` for the service `name`: a background service gets `PLASS_NICE` unless the operator set one. */
export function envOfService(name: string, config: Pick<LauncherConfig, 'backgroundNice'>, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!BACKGROUND_SERVICES.includes(name) || config.backgroundNice === 0 || env.PLASS_NICE) return env;
  return { ...env, PLASS_NICE: String(config.backgroundNice) };
}

export function loadConfig(env: NodeJS.ProcessEnv, cwd: string): LauncherConfig {
  const dataDir = env.PLASS_DATA_DIR || '.data';
  const logLevel = env.PLASS_LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`PLASS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const natsUrl = env.NATS_URL || undefined;
  const natsPort = port(env, 'PLASS_NATS_PORT');
  if (natsUrl && natsPort) throw new ConfigError('set NATS_URL or PLASS_NATS_PORT, not both');
  const operatorToken = env.PLASS_OPERATOR_TOKEN || randomBytes(24).toString('base64url');
  return {
    operatorToken,
    operatorTokenGenerated: !env.PLASS_OPERATOR_TOKEN,
    seedDemo: env.PLASS_SEED_DEMO !== 'false',
    backgroundNice: nice(env, 'PLASS_BACKGROUND_NICE', 10),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    gatewayPort: port(env, 'PLASS_GATEWAY_PORT') ?? 8080,
    logLevel: logLevel as LogLevel,
    ...(natsUrl ? { natsUrl } : {}),
    ...(natsPort ? { natsPort } : {}),
  };
}

/** What every service is started with; the rest of the launcher's environment passes through. */
/**
 * How every plass service process runs, here, in the bench, in compose and in the Helm chart: a
 * V8 heap sized for the services' live data (tens of MB) rather than the machine, and two malloc
 * arenas instead of one per thread (scrypt and SQLite work on libuv's threads). Together they
 * keep each service under 200 MB resident. One V8 helper thread instead of four: the services
 * share a few cores, and four threads marking one service's heap at once took both cores of a
 * 2-core machine from the others for tens of milliseconds at each major GC (ADR 0012). An
 * operator's own NODE_OPTIONS or MALLOC_ARENA_MAX win.
 */
export const SERVICE_RUNTIME_ENV = {
  NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=4 --v8-pool-size=1',
  MALLOC_ARENA_MAX: '2',
} as const;

/**
 * V8 flags every service process is started with, on node's command line (NODE_OPTIONS does not
 * take them), here, in the bench and in the image's CMD. Between major GCs the old generation may
 * grow by 80 % of what survived the last one, where V8 allows a heap capped this small 30 %; and
 * a service gone idle is not collected again to hand memory back. Each major GC stalls a service's
 * event loop for tens of milliseconds, and an idle service's collections took a core from the busy
 * ones; the memory this costs fits the 200 MB budget (ADR 0012).
 */
export const SERVICE_NODE_FLAGS = ['--heap-growing-percent=80', '--no-memory-reducer'] as const;

export function serviceEnv(config: LauncherConfig, natsUrl: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...SERVICE_RUNTIME_ENV,
    ...env,
    NATS_URL: natsUrl,
    PLASS_DATA_DIR: config.dataDir,
    PLASS_LOG_LEVEL: config.logLevel,
    // @plass/telemetry's logger reads LOG_LEVEL; an explicit PLASS_LOG_LEVEL wins over it.
    LOG_LEVEL: env.PLASS_LOG_LEVEL ? config.logLevel : env.LOG_LEVEL || config.logLevel,
    PLASS_GATEWAY_PORT: String(config.gatewayPort),
    // A laptop run listens on loopback unless told otherwise; containers set 0.0.0.0 themselves.
    PLASS_GATEWAY_HOST: env.PLASS_GATEWAY_HOST || '127.0.0.1',
    PLASS_OPERATOR_TOKEN: config.operatorToken,
  };
}
