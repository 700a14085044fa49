import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, context, trace, type Context, type Span } from '@opentelemetry/api';
import { extractTraceContext, type Logger, type Metrics } from '@plass/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';

const tracer = trace.getTracer('@plass/gateway');
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const UNMATCHED = 'unmatched';

interface RequestState {
  span: Span;
  context: Context;
}

/** What the gateway puts in each route's Fastify config. */
export interface RouteConfig {
  routeId: string;
  /** The contract's path template (`/v1/bookings/{id}`). */
  routePath: string;
}

const configOf = (request: FastifyRequest) => request.routeOptions?.config as Partial<RouteConfig> | undefined;

/** The route id a request matched, or `unmatched`. */
export const routeIdOf = (request: FastifyRequest): string => configOf(request)?.routeId ?? UNMATCHED;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * One SERVER span, one log line and two metric series per request. Labels and log fields are the
 * route id, method, status and correlation id: never paths (they hold ids), queries, bodies or identity headers.
 */
export class RequestTelemetry {
  private readonly states = new WeakMap<IncomingMessage, RequestState>();
  private readonly requests: ReturnType<Metrics['counter']>;
  private readonly durations: ReturnType<Metrics['histogram']>;

  constructor(
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    const labels = ['route', 'method', 'status'] as const;
    this.requests = metrics.counter('plass_http_requests_total', 'HTTP requests answered by the gateway', labels);
    this.durations = metrics.histogram('plass_http_request_duration_seconds', 'Time to answer an HTTP request', labels);
  }

  /** The trace context a request's work runs in (the active one for requests whose hooks never ran). */
  contextOf(request: FastifyRequest): Context {
    return this.states.get(request.raw)?.context ?? context.active();
  }

  start(request: FastifyRequest): void {
    const parent = extractTraceContext((key) => header(request, key));
    const template = configOf(request)?.routePath;
    const span = tracer.startSpan(
      template ? `${request.method} ${template}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(template ? { 'http.route': template } : {}),
          'plass.route_id': routeIdOf(request),
          'plass.correlation_id': request.id,
        },
      },
      parent,
    );
    this.states.set(request.raw, { span, context: trace.setSpan(parent, span) });
  }

  finish(request: FastifyRequest, reply: FastifyReply): void {
    const state = this.states.get(request.raw);
    this.states.delete(request.raw);
    const route = routeIdOf(request);
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const status = reply.statusCode;
    const labels = { route, method, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, reply.elapsedTime / 1000);
    const line = { method, route, status, durationMs: Math.round(reply.elapsedTime * 10) / 10, correlationId: request.id };
    const log = () => {
      if (route === 'healthz' || route === 'readyz' || route === 'metrics') this.logger.debug(line, 'request');
      else this.logger.info(line, 'request');
    };
    if (!state) return log();
    context.with(state.context, log);
    state.span.setAttribute('http.response.status_code', status);
    if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR });
    state.span.end();
  }
}
