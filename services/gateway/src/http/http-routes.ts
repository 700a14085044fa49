import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { context } from '@opentelemetry/api';
import type { RequestContext } from '@plass/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AUTHENTICATOR, authorize, type Authenticator } from '../auth/authenticator.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { RequestTelemetry, RouteConfig } from '../observability/request-telemetry.js';
import { ERASED_SUBJECTS, IDEMPOTENCY, LOGIN_THROTTLE, REQUEST_TELEMETRY } from '../tokens.js';
import type { ErasedSubjects } from '../auth/erased-subjects.js';
import { HttpProblem } from './problem.js';
import { ifMatchOf } from './conditional.js';
import { idempotencyKeyOf, idempotentRequest, type Idempotency, type StoredAnswer } from './idempotency.js';
import type { RouteAnswer, RouteHandlers } from './route-handlers.js';
import { fastifyPath, routeEntries, throttledRoutes, type GatewayRouteContract, type GatewayRouteId } from './route-table.js';
import { parseInput } from './validation.js';

export const ROUTE_HANDLERS = Symbol('ROUTE_HANDLERS');

const NO_CONTENT = 204;

type AnyHandler = (input: {
  params: unknown;
  query: unknown;
  body: unknown;
  ctx: RequestContext | undefined;
  correlationId: string;
  clientAddress: string;
  resourceId?: string;
  accept?: string | undefined;
  expectedVersion?: number | undefined;
}) => Promise<RouteAnswer>;

/**
 * Serves the route table on Fastify: request id, span, metrics and log line for every request;
 * authentication (or, on login routes, the per-address limit) before the body is read; zod validation;
 * then the route's handler inside its span.
 */
@Injectable()
export class HttpRoutes implements OnModuleInit {
  private readonly callers = new WeakMap<IncomingMessage, RequestContext>();

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(REQUEST_TELEMETRY) private readonly telemetry: RequestTelemetry,
    @Inject(ROUTE_HANDLERS) private readonly handlers: RouteHandlers,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    @Inject(IDEMPOTENCY) private readonly idempotency: Idempotency,
    @Inject(ERASED_SUBJECTS) private readonly erased: ErasedSubjects,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Only JSON bodies: anything else is 415 rather than a string the schema then rejects.
    fastify.removeContentTypeParser('text/plain');
    fastify.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
      this.telemetry.start(request);
    });
    fastify.addHook('onResponse', async (request, reply) => this.telemetry.finish(request, reply));
    for (const [id, route] of routeEntries()) this.serve(fastify, id, route);
  }

  private serve(fastify: FastifyInstance, id: GatewayRouteId, route: GatewayRouteContract): void {
    const handler = this.handlers[id] as AnyHandler;
    const { roles } = route;
    fastify.route({
      method: route.method,
      url: fastifyPath(route.path),
      config: { routeId: id, routePath: route.path } satisfies RouteConfig,
      onRequest: async (request: FastifyRequest) => {
        if (throttledRoutes.has(id)) this.throttle.take(id, request.ip);
        if (roles !== 'public') await this.authenticate(request, roles);
      },
      handler: (request, reply) =>
        context.with(this.telemetry.contextOf(request), async () => {
          const input = {
            params: route.params ? parseInput(route.params, request.params, 'params') : undefined,
            query: route.query ? parseInput(route.query, request.query, 'query') : undefined,
            body: route.body ? parseInput(route.body, request.body, 'body') : undefined,
            ctx: this.callers.get(request.raw),
            correlationId: request.id,
            clientAddress: request.ip,
            accept: route.alternativeMediaTypes ? request.headers.accept : undefined,
            expectedVersion: route.conditional ? ifMatchOf(request.headers) : undefined,
          };
          const settled = async (resourceId?: string): Promise<StoredAnswer> => {
            const answer = await handler({ ...input, ...(resourceId === undefined ? {} : { resourceId }) });
            return { ...answer, status: answer.status ?? route.response.status };
          };
          const key = route.idempotent ? idempotencyKeyOf(request.headers) : undefined;
          let answer: StoredAnswer;
          if (key === undefined) {
            answer = await settled();
          } else {
            const scope = [id, input.ctx?.tenantId ?? '', input.ctx?.actorId ?? ''].join('\n');
            const idempotent = idempotentRequest(scope, key, { params: input.params, query: input.query, body: input.body });
            const run = await this.idempotency.run(idempotent, () => settled(idempotent.resourceId));
            answer = run.answer;
            if (run.replayed) reply.header('idempotency-replayed', 'true');
          }
          const { status } = answer;
          reply.status(status);
          if (answer.location) reply.header('location', answer.location);
          if (answer.headers) reply.headers(answer.headers);
          // No content: no body and no content type (RFC 9110 §15.3.5).
          if (status === NO_CONTENT) return undefined;
          reply.type(answer.contentType ?? route.responseContentType ?? 'application/json; charset=utf-8');
          return answer.body;
        }),
    });
  }

  private async authenticate(request: FastifyRequest, roles: Exclude<GatewayRouteContract['roles'], 'public'>): Promise<void> {
    const caller = await context.with(this.telemetry.contextOf(request), () => this.authenticator.authenticate({ headers: request.headers, correlationId: request.id, roles }));
    const ctx = authorize(caller, roles);
    // An erased person's token outlives them by up to its lifetime: it opens nothing.
    if (ctx.actorId !== undefined && this.erased.has(ctx.tenantId, ctx.actorId)) throw new HttpProblem('privacy.subject_erased');
    this.callers.set(request.raw, ctx);
  }
}
