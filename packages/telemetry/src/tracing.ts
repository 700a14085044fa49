import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SamplingDecision, type Sampler, type SamplingResult, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { FanOutSpanProcessor } from './fan-out-span-processor.js';

export interface TracingOptions {
  serviceName: string;
  /** OTLP base URL (`/v1/traces` is appended), http/json. Defaults to OTEL_EXPORTER_OTLP_ENDPOINT; none → no export. */
  otlpEndpoint?: string;
  /** Extra processors, e.g. `new SimpleSpanProcessor(new InMemorySpanExporter())` in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface TracingHandle {
  shutdown(): Promise<void>;
}

interface SharedTracing {
  provider: NodeTracerProvider;
  fanOut: FanOutSpanProcessor;
  holders: number;
}

/**
 * Kept on globalThis, not in module scope, so that two copies of this module (src and dist, or
 * several services started in one jest process) still share the one registered provider.
 */
const SHARED = Symbol.for('plass.telemetry.tracing');
type Global = typeof globalThis & { [SHARED]?: SharedTracing };

/**
 * Records spans only while a processor takes them (an OTLP exporter, a test's in-memory one).
 * Otherwise spans are non-recording: they still carry the trace context on to every hop (NATS
 * headers, event envelopes), but cost no attributes, timestamps or processor calls.
 */
class RecordWhenObserved implements Sampler {
  constructor(private readonly fanOut: FanOutSpanProcessor) {}

  shouldSample(): SamplingResult {
    return { decision: this.fanOut.observed ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return 'RecordWhenObserved';
  }
}

function register(serviceName: string, otlpEndpoint: string | undefined): SharedTracing {
  const fanOut = new FanOutSpanProcessor();
  if (otlpEndpoint) {
    const url = `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    fanOut.add([new BatchSpanProcessor(new OTLPTraceExporter({ url }))]);
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    sampler: new RecordWhenObserved(fanOut),
    spanProcessors: [fanOut],
  });
  // contextManager left undefined: sdk-trace-node installs its AsyncLocalStorageContextManager.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return { provider, fanOut, holders: 0 };
}

/**
 * Registers the process-wide tracer provider on the first call. Later calls in the same process
 * (several services in one test process) join it: the first caller's serviceName and OTLP exporter
 * stay, later callers only add their spanProcessors. Each handle's shutdown removes and shuts down
 * the processors it added; the last one shuts the provider down and unregisters it.
 */
export function initTracing(options: TracingOptions): TracingHandle {
  const global = globalThis as Global;
  const shared = (global[SHARED] ??= register(options.serviceName, options.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT));
  const own = [...(options.spanProcessors ?? [])];
  shared.fanOut.add(own);
  shared.holders += 1;

  let done: Promise<void> | undefined;
  return {
    shutdown: () =>
      (done ??= (async () => {
        await Promise.all(own.map((p) => p.forceFlush()));
        shared.fanOut.remove(own);
        await Promise.all(own.map((p) => p.shutdown()));
        shared.holders -= 1;
        if (shared.holders > 0) return;
        if (global[SHARED] === shared) delete global[SHARED];
        await shared.provider.shutdown();
        trace.disable();
        propagation.disable();
        context.disable();
      })()),
  };
}
