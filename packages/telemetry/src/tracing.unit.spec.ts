import { describe, expect, it } from '@jest/globals';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { contextFromTrace, currentTraceContext, extractTraceContext, injectTraceHeaders } from './propagation.js';
import { initTracing } from './tracing.js';
import { withSpan } from './with-span.js';

describe('initTracing', () => {
  it('lets several services in one process share the provider and one in-memory exporter', async () => {
    const exporter = new InMemorySpanExporter();
    const test = initTracing({ serviceName: 'e2e', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const gateway = initTracing({ serviceName: 'gateway' });
    const booking = initTracing({ serviceName: 'booking' });

    const headers = new Map<string, string>();
    await withSpan(
      'gateway',
      'POST /v1/bookings',
      { 'http.route': '/v1/bookings' },
      async () => {
        injectTraceHeaders((key, value) => headers.set(key, value));
      },
      { kind: SpanKind.SERVER },
    );
    expect(headers.get('traceparent')).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);

    // A consumer continues the sender's trace from the headers, whatever it has active itself.
    await withSpan('unrelated', 'consumer loop', {}, async () => {
      const parent = extractTraceContext((key) => headers.get(key));
      await withSpan('booking', 'booking.cmd.CreateBooking', {}, async () => undefined, { kind: SpanKind.CONSUMER, parentContext: parent });
    });

    await booking.shutdown();
    await gateway.shutdown();
    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((span) => [span.name, span]));
    const server = byName.get('POST /v1/bookings')!;
    const consumer = byName.get('booking.cmd.CreateBooking')!;
    expect(consumer.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(server.resource.attributes['service.name']).toBe('e2e');

    await test.shutdown();
    expect(trace.getTracer('after').startSpan('noop').isRecording()).toBe(false);
  });

  it('records spans only while a processor takes them, and carries the trace on either way', async () => {
    const unobserved = initTracing({ serviceName: 'quiet' });
    try {
      const headers = new Map<string, string>();
      await withSpan('quiet', 'POST /v1/bookings', {}, async () => {
        expect(trace.getActiveSpan()?.isRecording()).toBe(false);
        injectTraceHeaders((key, value) => headers.set(key, value));
      });
      expect(headers.get('traceparent')).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-00$/);

      const exporter = new InMemorySpanExporter();
      const observer = initTracing({ serviceName: 'observer', spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const parent = extractTraceContext((key) => headers.get(key));
      await withSpan('quiet', 'booking.cmd.CreateBooking', {}, async () => expect(trace.getActiveSpan()?.isRecording()).toBe(true), { parentContext: parent });
      const [span] = exporter.getFinishedSpans();
      await observer.shutdown();
      expect(span?.spanContext().traceId).toBe(headers.get('traceparent')!.split('-')[1]);
    } finally {
      await unobserved.shutdown();
    }
  });

  it('records a throw as an error span and rethrows it', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing({ serviceName: 'svc', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    try {
      await expect(
        withSpan('svc', 'fails', { 'plass.event_type': 'X' }, async () => {
          throw new Error('booking.conflict: taken');
        }),
      ).rejects.toThrow('booking.conflict: taken');
      const [span] = exporter.getFinishedSpans();
      expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'booking.conflict: taken' });
      expect(span?.events.map((event) => event.name)).toEqual(['exception']);
      expect(span?.attributes).toEqual({ 'plass.event_type': 'X' });
    } finally {
      await tracing.shutdown();
    }
  });

  it('round-trips the envelope trace field', async () => {
    const tracing = initTracing({ serviceName: 'svc' });
    try {
      expect(currentTraceContext()).toBeUndefined();
      await withSpan('svc', 'append', {}, async (span) => {
        const captured = currentTraceContext();
        expect(captured?.traceparent).toContain(span.spanContext().traceId);
        const restored = trace.getSpanContext(contextFromTrace(captured));
        expect(restored?.spanId).toBe(span.spanContext().spanId);
        expect(restored?.isRemote).toBe(true);
      });
      expect(trace.getSpanContext(contextFromTrace(undefined))).toBeUndefined();
      expect(context.active()).toBeDefined();
    } finally {
      await tracing.shutdown();
    }
  });
});
