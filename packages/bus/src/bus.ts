import { SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { DomainFailure, Reply, domainError, type BroadcastContract, type RequestContext, type RequestContract, type RequestOf, type ResponseOf } from '@plass/contracts';
import type { z } from 'zod';
import { toDomainError } from './errors.js';
import { contextFromHeaders, contextHeaders, extractTrace } from './headers.js';
import type { BusLogger } from './logger.js';
import { silentLogger } from './logger.js';

export interface BusOptions {
  servers: string;
  /** The service's name: the connection name and the default queue group. */
  name: string;
  logger?: BusLogger;
  requestTimeoutMs?: number;
}

const tracer = trace.getTracer('@plass/bus');
const encoder = new TextEncoder();

/** One NATS connection per service: typed request/reply, broadcasts, and JetStream. */
/**
 * One reply schema per contract, built once: zod compiles a schema on first use, and building a
 * fresh one per request made that compilation the gateway's largest cost.
 */
const replySchemas = new WeakMap<RequestContract, z.ZodType<Reply<unknown>>>();
function replySchema(contract: RequestContract): z.ZodType<Reply<unknown>> {
  let schema = replySchemas.get(contract);
  if (!schema) replySchemas.set(contract, (schema = Reply(contract.response) as z.ZodType<Reply<unknown>>));
  return schema;
}

export class Bus {
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopHooks: Array<() => Promise<void>> = [];

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly name: string,
    readonly logger: BusLogger,
    private readonly requestTimeoutMs: number,
  ) {}

  static async connect(options: BusOptions): Promise<Bus> {
    const nc = await connect({ servers: options.servers, name: options.name, maxReconnectAttempts: -1, noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    return new Bus(nc, jetstream(nc), jsm, options.name, options.logger ?? silentLogger, options.requestTimeoutMs ?? 5000);
  }

  /** Sends a request and answers the response, or throws DomainFailure with the service's error. */
  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>, ctx: RequestContext, options: { timeoutMs?: number } = {}): Promise<ResponseOf<C>> {
    return tracer.startActiveSpan(
      `${contract.subject} request`,
      { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': contract.subject } },
      async (span) => {
        try {
          // The payload is typed by the contract and validated by the handler's side (`handle`);
          // parsing it here too cost every request a second zod pass.
          const msg = await this.nc.request(contract.subject, encoder.encode(JSON.stringify(payload)), {
            timeout: options.timeoutMs ?? this.requestTimeoutMs,
            headers: contextHeaders(ctx),
          });
          const reply = replySchema(contract).parse(msg.json());
          if (!reply.ok) throw new DomainFailure(reply.error);
          return reply.value as ResponseOf<C>;
        } catch (error) {
          const failure = error instanceof DomainFailure ? error : unavailable(contract.subject, error);
          span.setAttribute('plass.error.code', failure.error.code);
          if (failure.error.code === 'service.unavailable' || failure.error.code === 'internal.error') {
            span.setStatus({ code: SpanStatusCode.ERROR, message: failure.error.code });
          }
          throw failure;
        } finally {
          span.end();
        }
      },
    );
  }

  /** Answers requests of `contract` in the service's queue group; the handler may throw DomainFailure. */
  handle<C extends RequestContract>(contract: C, handler: (payload: RequestOf<C>, ctx: RequestContext) => Promise<ResponseOf<C>>, options: { queue?: string } = {}): void {
    const subscription = this.nc.subscribe(contract.subject, {
      queue: options.queue ?? this.name,
      callback: (err, msg) => {
        if (err) {
          this.logger.error({ err, natsSubject: contract.subject }, 'subscription failed');
          return;
        }
        const work = otelContext.with(extractTrace(msg.headers), () =>
          tracer.startActiveSpan(
            `${contract.subject} handle`,
            { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': contract.subject } },
            async (span) => {
              let reply: Reply<unknown>;
              try {
                const ctx = contextFromHeaders(msg.headers);
                const payload = contract.request.parse(msg.json()) as RequestOf<C>;
                reply = { ok: true, value: await handler(payload, ctx) };
              } catch (error) {
                const { error: domain, unexpected } = toDomainError(error);
                if (unexpected) {
                  this.logger.error({ err: error, natsSubject: contract.subject }, 'handler failed');
                  span.recordException(error as Error);
                  span.setStatus({ code: SpanStatusCode.ERROR });
                }
                span.setAttribute('plass.error.code', domain.code);
                reply = { ok: false, error: domain };
              }
              try {
                msg.respond(encoder.encode(JSON.stringify(reply)));
              } finally {
                span.end();
              }
            },
          ),
        );
        void this.track(work);
      },
    });
    this.subscriptions.push(subscription);
  }

  /** Core NATS, not persisted: for cache invalidations every replica must see. */
  broadcast<B extends BroadcastContract>(contract: B, message: z.infer<B['message']>): void {
    this.nc.publish(contract.subject, encoder.encode(JSON.stringify(contract.message.parse(message))));
  }

  /** Every replica receives every broadcast (no queue group). */
  onBroadcast<B extends BroadcastContract>(contract: B, handler: (message: z.infer<B['message']>) => void): void {
    const subscription = this.nc.subscribe(contract.subject, {
      callback: (err, msg) => {
        if (err) return;
        const parsed = contract.message.safeParse(msg.json());
        if (!parsed.success) {
          this.logger.warn({ natsSubject: contract.subject }, 'ignored a malformed broadcast');
          return;
        }
        try {
          handler(parsed.data as z.infer<B['message']>);
        } catch (error) {
          this.logger.error({ err: error, natsSubject: contract.subject }, 'broadcast handler failed');
        }
      },
    });
    this.subscriptions.push(subscription);
  }

  /**
   * Answers `plass.health.<name>` once the service is fully serving (call it last in start-up),
   * so readiness means "requests will be answered", not merely "connected".
   */
  serveHealth(): void {
    this.subscriptions.push(
      this.nc.subscribe(healthSubject(this.name), {
        callback: (_err, msg) => {
          msg.respond(encoder.encode(JSON.stringify({ service: this.name, status: 'ok' })));
        },
      }),
    );
  }

  /** Whether the named service answers its health ping (any replica). */
  async isServing(service: string, timeoutMs = 1000): Promise<boolean> {
    try {
      const reply = await this.nc.request(healthSubject(service), undefined, { timeout: timeoutMs });
      return reply.json<{ status?: string }>().status === 'ok';
    } catch {
      return false;
    }
  }

  /** Lets background work (handlers, consumers) finish before close. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** Flushes the connection: every subscription made so far is known to the server. */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  /** Runs before the connection drains: consumers stop pulling first. */
  onClose(stop: () => Promise<void>): void {
    this.stopHooks.push(stop);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.stopHooks.splice(0).map((stop) => stop()));
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

export const healthSubject = (service: string) => `plass.health.${service}`;

function unavailable(subject: string, cause: unknown): DomainFailure {
  const failure = new DomainFailure(domainError('service.unavailable', `no answer on ${subject}`));
  (failure as Error).cause = cause;
  return failure;
}
