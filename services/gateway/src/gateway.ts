import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Bus } from '@plass/bus';
import { Uuid } from '@plass/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { createLogger, type Logger } from '@plass/telemetry';
import type { Authenticator } from './auth/authenticator.js';
import type { LoginThrottleOptions } from './auth/login-throttle.js';
import { GatewayModule } from './gateway.module.js';
import { answerClientError } from './http/client-errors.js';
import { replyWithProblem } from './http/problem.filter.js';
import { NestPinoLogger } from './observability/nest-logger.js';

export interface GatewayConfig {
  natsUrl: string;
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /** Defaults to 64 KiB; larger bodies answer 413. */
  bodyLimitBytes?: number;
  /** `Authorization: Bearer <token>` on `operator` routes (POST /v1/tenants); unset, they answer 401. */
  operatorToken?: string;
  /**
   * Behind a load balancer: which proxies' `X-Forwarded-For` to believe (Fastify `trustProxy`), so
   * that login throttling sees client addresses. Off by default: the header is then ignored.
   */
  trustProxy?: boolean | string | string[];
  /** Login attempts per client address (per replica); default 20 a minute. */
  loginThrottle?: Pick<LoginThrottleOptions, 'attempts' | 'windowMs' | 'maxAddresses'>;
  /** Defaults to the system clock; tests move it to expire tokens. */
  now?: () => Date;
  /** Tests: wraps the bearer authenticator. */
  authenticator?: (bearer: Authenticator) => Authenticator;
  /** Close on SIGTERM/SIGINT; the process entry point wants this, tests do not. */
  enableShutdownHooks?: boolean;
  onShutdown?: () => Promise<void>;
}

export interface RunningGateway {
  url: string;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** The caller's `X-Request-Id` when it is a uuid, else a fresh one: it becomes the correlation id. */
function requestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && Uuid.safeParse(incoming).success ? incoming : randomUUID();
}

/** The gateway as an initialised Nest application on Fastify, connected to NATS, not yet listening. */
export async function createGatewayApp(config: Omit<GatewayConfig, 'port' | 'host'>): Promise<NestFastifyApplication> {
  const logger = config.logger ?? createLogger({ service: 'gateway' });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    genReqId: requestId,
    logger: false,
    trustProxy: config.trustProxy ?? false,
    // Long values in a path reach the zod schema (400) instead of Fastify's 414.
    routerOptions: { maxParamLength: 1000 },
    // The router rejects malformed URLs before any hook or Nest filter runs.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => replyWithProblem(error, request, reply, logger),
    // The HTTP parser's own refusals (a head over Node's 16 KiB maxHeaderSize) come before any request exists.
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot({
      logger,
      connectBus: () => Bus.connect({ servers: config.natsUrl, name: 'gateway', logger }),
      now: config.now ?? (() => new Date()),
      ...(config.operatorToken !== undefined ? { operatorToken: config.operatorToken } : {}),
      ...(config.loginThrottle ? { loginThrottle: config.loginThrottle } : {}),
      ...(config.authenticator ? { authenticator: config.authenticator } : {}),
      ...(config.onShutdown ? { onShutdown: config.onShutdown } : {}),
    }),
    adapter,
    { bodyParser: false, logger: new NestPinoLogger(logger), abortOnError: false },
  );
  if (config.enableShutdownHooks) app.enableShutdownHooks();
  await app.init();
  return app;
}

function urlOf(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const app = await createGatewayApp(config);
  try {
    await app.listen(config.port, config.host ?? '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  return { url: urlOf(address), app, close: () => app.close() };
}
