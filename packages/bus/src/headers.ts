import { context as otelContext, propagation, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { CallerRole, Headers, RequestContext, type TraceContext } from '@plass/contracts';

/** Writes the active (or given) OpenTelemetry context into NATS headers as W3C trace context. */
export function injectTrace(hdrs: MsgHdrs, ctx: Context = otelContext.active()): void {
  propagation.inject(ctx, hdrs, { set: (carrier, key, value) => carrier.set(key, value) });
}

export function extractTrace(hdrs: MsgHdrs | undefined): Context {
  if (!hdrs) return otelContext.active();
  return propagation.extract(otelContext.active(), hdrs, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: (carrier) => carrier.keys(),
  });
}

/** The trace context of the active span, to record in an event envelope. */
export function currentTraceContext(): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(otelContext.active(), carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) } : undefined;
}

export function traceContextOf(trace: TraceContext | undefined): Context {
  if (!trace) return otelContext.active();
  return propagation.extract(otelContext.active(), trace);
}

export function contextHeaders(ctx: RequestContext): MsgHdrs {
  const hdrs = natsHeaders();
  hdrs.set(Headers.tenant, ctx.tenantId);
  if (ctx.actorId) hdrs.set(Headers.actor, ctx.actorId);
  if (ctx.roles.length > 0) hdrs.set(Headers.roles, ctx.roles.join(','));
  hdrs.set(Headers.correlationId, ctx.correlationId);
  injectTrace(hdrs);
  return hdrs;
}

/** Throws a ZodError when the headers do not carry a valid request context. */
export function contextFromHeaders(hdrs: MsgHdrs | undefined): RequestContext {
  const roles = hdrs?.get(Headers.roles);
  return RequestContext.parse({
    tenantId: hdrs?.get(Headers.tenant),
    actorId: hdrs?.get(Headers.actor) || undefined,
    roles: roles ? roles.split(',').map((role) => CallerRole.parse(role)) : [],
    correlationId: hdrs?.get(Headers.correlationId),
  });
}
