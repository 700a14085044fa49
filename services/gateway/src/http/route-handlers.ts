import {
  CorrectUser,
  CreateTenant,
  DeactivateUser,
  GetJwks,
  GetMe,
  GetUser,
  IssueToken,
  ListUsers,
  PLATFORM_TENANT,
  RefreshToken,
  RegisterUser,
  SetPassword,
  UpdateMe,
  type RequestContext,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { Metrics } from '@plass/telemetry';
import type { z } from 'zod';
import type { Readiness } from '../readiness.js';
import { clientPrefix } from '../auth/login-throttle.js';
import { analyticsHandlers } from './analytics-handlers.js';
import { bookingHandlers } from './booking-handlers.js';
import { forwardedHandlers } from './forwarded-routes.js';
import { notificationHandlers } from './notification-handlers.js';
import { privacyHandlers } from './privacy-handlers.js';
import { HttpProblem } from './problem.js';
import type { GatewayRouteId, allRoutes } from './route-table.js';

type Parsed<R, K extends string> = R extends { [P in K]: z.ZodType } ? z.output<R[K]> : undefined;

export interface RouteInput<R> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** Always set on routes that need roles; the tenant comes from here only. */
  ctx: R extends { roles: 'public' } ? undefined : RequestContext;
  correlationId: string;
  /** The client's address as Fastify sees it (behind a trusted proxy, from `X-Forwarded-For`). */
  clientAddress: string;
  /** Under an `Idempotency-Key`: the id the created resource takes, the same on every retry of it. */
  resourceId?: string;
  /** The `Accept` header, for routes with alternative media types. */
  accept?: string | undefined;
  /** `If-Match` as a version, on conditional routes; undefined when absent or `*`. */
  expectedVersion?: number | undefined;
}

export interface RouteAnswer {
  /** Left out on a 204 (no content). */
  body?: unknown;
  /** Defaults to the route's success status. */
  status?: number;
  location?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type RouteHandler<R> = (input: RouteInput<R>) => Promise<RouteAnswer>;
export type RouteHandlers = { [K in GatewayRouteId]: RouteHandler<(typeof allRoutes)[K]> };

export interface RouteHandlerDeps {
  bus: Pick<Bus, 'request'>;
  readiness: Readiness;
  metrics: Pick<Metrics, 'render' | 'contentType'>;
  openApi: () => unknown;
}

/** A public route's request speaks for nobody: no tenant (the nil one), no actor, no roles. */
export const anonymous = (correlationId: string): RequestContext => ({ tenantId: PLATFORM_TENANT, roles: [], correlationId });

/** Token responses must not be cached (RFC 6749 §5.1). */
const noStore = { 'cache-control': 'no-store' };

/** What each route of the table does: the gateway only translates HTTP to bus requests. */
export function routeHandlers({ bus, readiness, metrics, openApi }: RouteHandlerDeps): RouteHandlers {
  return {
    ...forwardedHandlers(bus),
    ...bookingHandlers(bus),
    ...privacyHandlers(bus),
    ...analyticsHandlers(bus),
    ...notificationHandlers(bus),
    createTenant: async ({ body, ctx }) => {
      const created = await bus.request(CreateTenant, body, ctx);
      return { body: created, location: `/v1/tenants/${created.tenantId}` };
    },
    createUser: async ({ body, ctx }) => {
      const created = await bus.request(RegisterUser, body, ctx);
      return { body: created, location: `/v1/users/${created.id}` };
    },
    listUsers: async ({ query, ctx }) => ({ body: await bus.request(ListUsers, query, ctx) }),
    getUser: async ({ params, ctx }) => ({ body: await bus.request(GetUser, { userId: params.id }, ctx) }),
    changeUser: async ({ params, body, ctx }) => ({ body: await bus.request(CorrectUser, { ...body, userId: params.id }, ctx) }),
    deactivateUser: async ({ params, ctx }) => ({ body: await bus.request(DeactivateUser, { userId: params.id }, ctx) }),
    getMe: async ({ ctx }) => ({ body: await bus.request(GetMe, {}, ctx) }),
    updateMe: async ({ body, ctx }) => ({ body: await bus.request(UpdateMe, body, ctx) }),
    issueToken: async ({ body, correlationId, clientAddress }) => ({
      body: await bus.request(IssueToken, { ...body, clientAddress: clientPrefix(clientAddress) }, anonymous(correlationId)),
      headers: noStore,
    }),
    refreshToken: async ({ body, correlationId }) => ({ body: await bus.request(RefreshToken, body, anonymous(correlationId)), headers: noStore }),
    setPassword: async ({ body, correlationId, clientAddress }) => {
      await bus.request(SetPassword, { ...body, clientAddress: clientPrefix(clientAddress) }, anonymous(correlationId));
      return {};
    },
    jwks: async ({ correlationId }) => ({
      body: await bus.request(GetJwks, {}, anonymous(correlationId)),
      headers: { 'cache-control': 'public, max-age=60' },
    }),
    healthz: async () => ({ body: { status: 'ok' } }),
    readyz: async () => {
      const { ready, checks } = await readiness.check();
      const down = Object.keys(checks).filter((name) => checks[name] !== 'ok');
      if (!ready) throw new HttpProblem('service.unavailable', { detail: `not ready: ${down.join(', ')} unavailable` });
      return { body: { status: 'ok', checks } };
    },
    openapi: async () => ({ body: openApi() }),
    metrics: async () => ({ body: await metrics.render(), contentType: metrics.contentType }),
  };
}
