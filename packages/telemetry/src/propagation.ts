import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import type { TraceContext } from '@plass/contracts';

/** Writes the active (or given) context's trace headers (`traceparent`, `tracestate`) through `setter`. */
export function injectTraceHeaders(setter: (key: string, value: string) => void, from: Context = context.active()): void {
  propagation.inject(from, undefined, { set: (_carrier, key, value) => setter(key, value) });
}

/**
 * Reads trace headers through `getter`. The base defaults to the root context, not the active one:
 * an incoming message continues its sender's trace, never whatever a consumer loop had active.
 */
export function extractTraceContext(getter: (key: string) => string | undefined, base: Context = ROOT_CONTEXT): Context {
  return propagation.extract(base, undefined, {
    get: (_carrier, key) => getter(key),
    keys: () => [],
  });
}

/** The active trace as the `trace` field of an event envelope, or undefined outside a sampled span. */
export function currentTraceContext(from: Context = context.active()): TraceContext | undefined {
  const headers: Record<string, string> = {};
  injectTraceHeaders((key, value) => (headers[key] = value), from);
  const { traceparent, tracestate } = headers;
  if (!traceparent) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The context an event envelope's `trace` field continues. */
export function contextFromTrace(traceContext: TraceContext | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!traceContext) return base;
  return extractTraceContext((key) => (traceContext as Record<string, string | undefined>)[key], base);
}
