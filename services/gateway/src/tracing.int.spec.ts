import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { initTracing, type TracingHandle } from '@plass/telemetry';
import { waitFor } from '@plass/testing';
import { BookingStub } from './test-support/booking-stub.js';
import { caller, httpClient } from './test-support/http-client.js';
import { capturingLogger } from './test-support/log-capture.js';
import { startStubStack, type StubStack } from './test-support/stub-stack.js';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const logs = capturingLogger();
  let tracing: TracingHandle;
  let booking: BookingStub;
  let call: ReturnType<typeof httpClient>;

  let stack: StubStack;

  beforeAll(async () => {
    tracing = initTracing({ serviceName: 'gateway-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    stack = await startStubStack({ logger: logs.logger });
    ({ booking, call } = stack);
  });

  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
  });

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const byKind = (spans: ReadableSpan[], kind: SpanKind, name: string) => spans.find((span) => span.kind === kind && span.name.includes(name));

  it('continues the incoming traceparent; bus requests are children of the SERVER span', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const parentSpanId = 'a1b2c3d4e5f60718';
    const answer = await call('POST', '/v1/locations', {
      as: caller(['admin']),
      headers: { traceparent: `00-${traceId}-${parentSpanId}-01` },
      json: { name: 'Traced office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5] },
    });
    expect(answer.status).toBe(201);

    const spans = await waitFor(
      () => {
        const found = spansOf(traceId);
        return found.length >= 3 && found.some((span) => span.kind === SpanKind.SERVER && span.name.startsWith('POST')) && found;
      },
      { what: 'the request, bus request and handler spans' },
    );
    const server = byKind(spans, SpanKind.SERVER, 'POST /v1/locations')!;
    const client = byKind(spans, SpanKind.CLIENT, 'booking.cmd.CreateLocation')!;
    const handler = byKind(spans, SpanKind.SERVER, 'booking.cmd.CreateLocation handle')!;
    expect(server.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/locations', 'plass.route_id': 'createLocation', 'http.response.status_code': 201 });
    expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(handler.parentSpanContext?.spanId).toBe(client.spanContext().spanId);

    const line = logs.records().find((record) => record.route === 'createLocation' && record.msg === 'request');
    expect(line?.traceId).toBe(traceId);
  });

  it('starts a new trace without a traceparent, and marks 5xx answers as errors', async () => {
    const answer = await call('GET', `/v1/bookings/${randomUUID()}`, { as: caller(['employee']), headers: { traceparent: 'garbage' } });
    expect(answer.status).toBe(404);
    booking.crashNext = true;
    const crashed = await call('POST', '/v1/locations', { as: caller(['admin']), json: { name: 'Office', timezone: 'UTC', bookableWeekdays: [1] } });
    expect(crashed.status).toBe(500);
    const server = await waitFor(() => exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.attributes['http.response.status_code'] === 500));
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.name).toBe('POST /v1/locations');
    const notFound = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.attributes['plass.route_id'] === 'getBooking');
    expect(notFound?.parentSpanContext).toBeUndefined();
    expect(notFound?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(notFound?.name).toBe('GET /v1/bookings/{id}');
  });
});
