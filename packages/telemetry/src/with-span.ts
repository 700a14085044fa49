import { context, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanKind } from '@opentelemetry/api';

export interface WithSpanOptions {
  kind?: SpanKind;
  /** Parent to use instead of the active context, e.g. one extracted from message headers. */
  parentContext?: Context;
}

/**
 * Runs `fn` inside an active span; a throw is recorded on the span with error status and rethrown.
 * Attributes must not carry personal data: ids of things, never of people.
 */
export function withSpan<T>(tracerName: string, spanName: string, attributes: Attributes, fn: (span: Span) => Promise<T> | T, options: WithSpanOptions = {}): Promise<T> {
  const tracer = trace.getTracer(tracerName);
  const parent = options.parentContext ?? context.active();
  const spanOptions = options.kind === undefined ? { attributes } : { attributes, kind: options.kind };
  return tracer.startActiveSpan(spanName, spanOptions, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      if (error instanceof Error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      } else {
        // A thrown non-Error may be any value, including a personal one: record only that it happened.
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'non-Error thrown' });
      }
      throw error;
    } finally {
      span.end();
    }
  });
}
