import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Bus } from '@plass/bus';
import { GetJwks, PLATFORM_TENANT } from '@plass/contracts';
import { createMetrics, type Logger, type Metrics } from '@plass/telemetry';
import { AUTHENTICATOR, type Authenticator } from './auth/authenticator.js';
import { BearerAuthenticator } from './auth/bearer-authenticator.js';
import { JwksCache } from './auth/jwks-cache.js';
import { JwtAuthenticator } from './auth/jwt-authenticator.js';
import { LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle.js';
import { Idempotency, ensureIdempotencyStore } from './http/idempotency.js';
import { ErasedSubjects } from './auth/erased-subjects.js';
import { OperatorToken } from './auth/operator-token.js';
import { DashboardRoutes } from './http/dashboard.js';
import { HttpRoutes, ROUTE_HANDLERS } from './http/http-routes.js';
import { ProblemFilter } from './http/problem.filter.js';
import { routeHandlers } from './http/route-handlers.js';
import { allRoutes } from './http/route-table.js';
import { RequestTelemetry } from './observability/request-telemetry.js';
import { buildOpenApi } from './openapi/openapi.js';
import { ServiceReadiness, type Readiness } from './readiness.js';
import { BUS, GATEWAY_OPTIONS, JWKS_CACHE, LOGGER, LOGIN_THROTTLE, METRICS, READINESS, REQUEST_TELEMETRY, IDEMPOTENCY, ERASED_SUBJECTS } from './tokens.js';

export interface GatewayModuleOptions {
  logger: Logger;
  connectBus: () => Promise<Bus>;
  /** Token expiry, JWKS refetch limits and login throttling read this clock. */
  now: () => Date;
  /** Accepted as `Bearer` on operator routes (createTenant); without it they answer 401. */
  operatorToken?: string;
  loginThrottle?: Pick<LoginThrottleOptions, 'attempts' | 'windowMs' | 'maxAddresses'>;
  /** Tests: wraps the bearer authenticator (e.g. to make it fail). */
  authenticator?: (bearer: Authenticator) => Authenticator;
  /** Runs last on shutdown, after HTTP and NATS are closed (e.g. flushing traces). */
  onShutdown?: () => Promise<void>;
}

/** Closes the bus once Nest has stopped the HTTP server, so in-flight requests still get answers. */
@Injectable()
export class GatewayLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(JWKS_CACHE) private readonly jwks: JwksCache,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayModuleOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.jwks.stop();
    try {
      await this.bus.close();
    } finally {
      await this.options.onShutdown?.();
    }
  }
}

@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: LOGGER, useValue: options.logger },
        { provide: BUS, useFactory: () => options.connectBus() },
        {
          provide: JWKS_CACHE,
          inject: [BUS, LOGGER],
          useFactory: (bus: Bus, logger: Logger) => {
            const cache = new JwksCache({
              fetch: () => bus.request(GetJwks, {}, { tenantId: PLATFORM_TENANT, roles: [], correlationId: randomUUID() }, { timeoutMs: 3000 }),
              now: options.now,
              onRefreshFailed: (error) => logger.warn({ code: (error as { error?: { code?: string } }).error?.code }, 'fetching the JWKS from identity failed'),
            });
            cache.start();
            return cache;
          },
        },
        {
          provide: AUTHENTICATOR,
          inject: [JWKS_CACHE, LOGGER],
          useFactory: (keys: JwksCache, logger: Logger) => {
            const jwt = new JwtAuthenticator({
              keys,
              now: options.now,
              onRejected: (reason, correlationId) => logger.info({ reason, correlationId }, 'token rejected'),
            });
            const bearer = new BearerAuthenticator(jwt, options.operatorToken === undefined ? undefined : new OperatorToken(options.operatorToken));
            return options.authenticator ? options.authenticator(bearer) : bearer;
          },
        },
        { provide: LOGIN_THROTTLE, useFactory: () => new LoginThrottle({ ...options.loginThrottle, now: options.now }) },
        {
          provide: ERASED_SUBJECTS,
          inject: [BUS],
          useFactory: (bus: Bus) => {
            // Access tokens live 15 minutes; a minute more for clock skew.
            const erased = new ErasedSubjects({ now: options.now, rememberMs: 16 * 60_000 });
            erased.start(bus);
            bus.onClose(() => erased.stop());
            return erased;
          },
        },
        {
          provide: IDEMPOTENCY,
          inject: [BUS],
          useFactory: async (bus: Bus) => {
            await ensureIdempotencyStore(bus);
            return new Idempotency(bus, { now: () => options.now().getTime() });
          },
        },
        { provide: READINESS, inject: [BUS], useFactory: (bus: Bus) => new ServiceReadiness(bus) },
        { provide: METRICS, useFactory: () => createMetrics('gateway', { defaultMetrics: true }) },
        {
          provide: REQUEST_TELEMETRY,
          inject: [LOGGER, METRICS],
          useFactory: (logger: Logger, metrics: Metrics) => new RequestTelemetry(logger, metrics),
        },
        {
          provide: ROUTE_HANDLERS,
          inject: [BUS, READINESS, METRICS],
          useFactory: (bus: Bus, readiness: Readiness, metrics: Metrics) => {
            let document: unknown;
            return routeHandlers({ bus, readiness, metrics, openApi: () => (document ??= buildOpenApi(allRoutes)) });
          },
        },
        { provide: APP_FILTER, useClass: ProblemFilter },
        HttpRoutes,
        DashboardRoutes,
        GatewayLifecycle,
      ],
    };
  }
}
