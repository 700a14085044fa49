import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Bus } from '@plass/bus';
import { createMetrics, type Logger, type Metrics } from '@plass/telemetry';
import { AUTHENTICATOR, type Authenticator } from './auth/authenticator.js';
import { HttpRoutes, ROUTE_HANDLERS } from './http/http-routes.js';
import { ProblemFilter } from './http/problem.filter.js';
import { routeHandlers } from './http/route-handlers.js';
import { allRoutes } from './http/route-table.js';
import { RequestTelemetry } from './observability/request-telemetry.js';
import { buildOpenApi } from './openapi/openapi.js';
import { ServiceReadiness, type Readiness } from './readiness.js';
import { BUS, GATEWAY_OPTIONS, LOGGER, METRICS, READINESS, REQUEST_TELEMETRY } from './tokens.js';

export interface GatewayModuleOptions {
  logger: Logger;
  authenticator: Authenticator;
  connectBus: () => Promise<Bus>;
  /** Runs last on shutdown, after HTTP and NATS are closed (e.g. flushing traces). */
  onShutdown?: () => Promise<void>;
}

/** Closes the bus once Nest has stopped the HTTP server, so in-flight requests still get answers. */
@Injectable()
export class GatewayLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayModuleOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
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
        { provide: AUTHENTICATOR, useValue: options.authenticator },
        { provide: BUS, useFactory: () => options.connectBus() },
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
        GatewayLifecycle,
      ],
    };
  }
}
