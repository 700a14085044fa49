import { SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { EventEnvelope, Headers, Streams, Subjects } from '@plass/contracts';
import type { Bus } from './bus.js';
import { injectTrace, traceContextOf } from './headers.js';

const tracer = trace.getTracer('@plass/bus');
const encoder = new TextEncoder();
const DAY_NS = nanos(24 * 60 * 60 * 1000);
/**
 * JetStream is the delivery buffer, the event stores are the record: a consumer that falls further
 * behind than this rebuilds from its event store. Kept equal to infra/nats/streams.json.
 */
export const STREAM_MAX_AGE_NS = 30 * DAY_NS;

/** Creates PLASS_EVENTS and the dead-letter stream when missing; safe to call from every service. */
export async function ensureStreams(bus: Bus, options: { replicas?: number } = {}): Promise<void> {
  const replicas = options.replicas ?? 1;
  await addStreamIfMissing(bus, {
    name: Streams.events,
    subjects: [Subjects.allEvents],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(2 * 60 * 1000),
    max_age: STREAM_MAX_AGE_NS,
    num_replicas: replicas,
  });
  await addStreamIfMissing(bus, {
    name: Streams.deadLetters,
    subjects: [Subjects.allDeadLetters],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: STREAM_MAX_AGE_NS,
    num_replicas: replicas,
  });
}

/** Creates a stream unless it exists; safe when several services race to create it. */
export async function addStreamIfMissing(bus: Bus, config: Parameters<Bus['jsm']['streams']['add']>[0]): Promise<void> {
  try {
    await bus.jsm.streams.info(config.name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error;
    try {
      await bus.jsm.streams.add(config);
    } catch (raced) {
      // Another service created it between our look and our add.
      if (!(raced instanceof JetStreamApiError)) throw raced;
      await bus.jsm.streams.info(config.name);
    }
  }
}

/**
 * Publishes a committed event to PLASS_EVENTS. `Nats-Msg-Id` is the event id, so a relay that
 * publishes the same event twice (after a crash) is deduplicated by JetStream.
 */
export function publishEvent(bus: Bus, envelope: EventEnvelope): Promise<{ seq: number; duplicate: boolean }> {
  return publishEnvelope(bus, EventEnvelope.parse(envelope));
}

/** `publishEvent` without checking the envelope again: for a relay's (`storedEnvelope`), made by this service from typed events, which JetStream consumers check on receipt. */
export async function publishEnvelope(bus: Bus, event: EventEnvelope): Promise<{ seq: number; duplicate: boolean }> {
  const subject = Subjects.event(event.tenantId, event.context, event.type);
  return otelContext.with(traceContextOf(event.trace), () =>
    tracer.startActiveSpan(
      `${Streams.events} publish`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': Streams.events, 'plass.event.type': event.type } },
      async (span) => {
        try {
          const hdrs = natsHeaders();
          hdrs.set(Headers.correlationId, event.correlationId);
          injectTrace(hdrs);
          const ack = await bus.js.publish(subject, encoder.encode(JSON.stringify(event)), { msgID: event.id, headers: hdrs });
          return { seq: ack.seq, duplicate: ack.duplicate };
        } finally {
          span.end();
        }
      },
    ),
  );
}

export interface ConsumerOptions {
  /** Durable consumer name: `<service>-<purpose>`, no personal data. */
  durable: string;
  /** One subject filter (nats-server 2.9 accepts one), e.g. `evt.*.booking.>`. */
  filterSubject: string;
  /** Must be idempotent by envelope.id: JetStream delivers at least once. */
  handler: (envelope: EventEnvelope, meta: { seq: number; deliveryCount: number }) => Promise<void>;
  maxDeliver?: number;
  /** Delay before redelivery n (1-based) after a failure; the last value repeats. */
  backoffMs?: number[];
  ackWaitMs?: number;
  deliverPolicy?: 'all' | 'new';
  /**
   * Messages handed to `handler` before earlier ones settled (default 1: one at a time). Only for
   * handlers that keep call order themselves, as a ProjectionRunner does (it then commits the
   * events that queued up in one transaction). Each message is still acked once its own call settled.
   */
  concurrency?: number;
}

export interface EventConsumer {
  stop(): Promise<void>;
  /** Resolves when the consumer has no pending or unacknowledged messages. */
  caughtUp(): Promise<boolean>;
}

/**
 * A durable pull consumer on PLASS_EVENTS with explicit acks. A failing message is redelivered
 * with backoff up to `maxDeliver` times, then parked in the dead-letter stream; a message that is
 * not a valid envelope is parked at once (it can never succeed).
 */
export async function consumeEvents(bus: Bus, options: ConsumerOptions): Promise<EventConsumer> {
  const maxDeliver = options.maxDeliver ?? 5;
  const backoffMs = options.backoffMs ?? [200, 1000, 5000, 15000];
  await upsertConsumer(bus, options, maxDeliver);
  const consumer = await bus.js.consumers.get(Streams.events, options.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });

  const concurrency = options.concurrency ?? 1;
  const loop = (async () => {
    const inFlight = new Set<Promise<void>>();
    for await (const msg of messages) {
      const work: Promise<void> = handleOne(bus, msg, options, maxDeliver, backoffMs).finally(() => inFlight.delete(work));
      inFlight.add(work);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.allSettled(inFlight);
  })();
  void bus.track(loop);
  const stop = async () => {
    messages.stop();
    await loop.catch(() => undefined);
  };
  bus.onClose(stop);

  return {
    stop,
    async caughtUp() {
      const info = await bus.jsm.consumers.info(Streams.events, options.durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
  };
}

async function upsertConsumer(bus: Bus, options: ConsumerOptions, maxDeliver: number): Promise<void> {
  const config = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: options.filterSubject,
    max_deliver: maxDeliver,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    deliver_policy: options.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
  };
  try {
    await bus.jsm.consumers.info(Streams.events, options.durable);
    const { deliver_policy: _fixed, durable_name: _name, ...updatable } = config;
    await bus.jsm.consumers.update(Streams.events, options.durable, updatable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error;
    await bus.jsm.consumers.add(Streams.events, config);
  }
}

async function handleOne(bus: Bus, msg: JsMsg, options: ConsumerOptions, maxDeliver: number, backoffMs: number[]): Promise<void> {
  const parsed = EventEnvelope.safeParse(safeJson(msg));
  if (!parsed.success) {
    bus.logger.warn({ durable: options.durable, seq: msg.seq }, 'parked a message that is not a valid event envelope');
    await deadLetter(bus, msg, options.durable, 'invalid_envelope');
    msg.term();
    return;
  }
  const envelope = parsed.data;
  const deliveryCount = msg.info.deliveryCount;
  try {
    await processSpan(options.durable, envelope, () => options.handler(envelope, { seq: msg.seq, deliveryCount }));
    msg.ack();
  } catch (error) {
    if (deliveryCount >= maxDeliver) {
      bus.logger.error({ err: error, durable: options.durable, seq: msg.seq, eventType: envelope.type }, 'parked an event after its last delivery');
      await deadLetter(bus, msg, options.durable, 'handler_failed');
      msg.term();
    } else {
      bus.logger.warn({ err: error, durable: options.durable, seq: msg.seq, deliveryCount }, 'event handler failed; redelivering');
      msg.nak(backoffMs[Math.min(deliveryCount, backoffMs.length) - 1]);
    }
  }
}

/**
 * Runs `fn` in a `<durable> process` consumer span that continues the trace recorded in the
 * envelope, so one booking is one trace from the gateway to every projection that applies it.
 * A throw is recorded on the span and rethrown.
 */
export function processSpan<T>(durable: string, envelope: EventEnvelope, fn: () => Promise<T>): Promise<T> {
  return otelContext.with(traceContextOf(envelope.trace), () =>
    tracer.startActiveSpan(
      `${durable} process`,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': durable, 'plass.event.type': envelope.type } },
      async (span) => {
        try {
          return await fn();
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    ),
  );
}

function safeJson(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

async function deadLetter(bus: Bus, msg: JsMsg, durable: string, reason: string): Promise<void> {
  await publishDeadLetter(bus, durable, msg.data, { reason, subject: msg.subject, seq: String(msg.seq) });
}

/**
 * Parks an event that `durable` could not apply, as a consumer does after its last delivery:
 * the envelope (personal fields still sealed) on `dlq.<durable>`, for an operator to replay.
 */
export async function parkEvent(bus: Bus, envelope: EventEnvelope, durable: string, reason: string): Promise<void> {
  const subject = Subjects.event(envelope.tenantId, envelope.context, envelope.type);
  await publishDeadLetter(bus, durable, encoder.encode(JSON.stringify(envelope)), { reason, subject, eventId: envelope.id });
}

async function publishDeadLetter(bus: Bus, durable: string, data: Uint8Array, why: { reason: string; subject: string; seq?: string; eventId?: string }): Promise<void> {
  const hdrs = natsHeaders();
  hdrs.set('Plass-Dead-Letter-Reason', why.reason);
  hdrs.set('Plass-Original-Subject', why.subject);
  if (why.seq !== undefined) hdrs.set('Plass-Original-Seq', why.seq);
  if (why.eventId !== undefined) hdrs.set('Plass-Original-Event-Id', why.eventId);
  await bus.js.publish(Subjects.deadLetter(durable), data, { headers: hdrs });
}

/**
 * A compare-and-set record per subject in a stream that keeps one message per subject: `read`
 * answers the last one with its sequence (0: none), `write` succeeds only if nothing was written
 * since `lastSeq` and answers the new sequence, else undefined. Of N concurrent writers one wins.
 */
export async function readLastOfSubject(bus: Bus, stream: string, subject: string): Promise<{ seq: number; data: Uint8Array | undefined }> {
  const msg = await bus.jsm.streams.getMessage(stream, { last_by_subj: subject });
  return msg === null ? { seq: 0, data: undefined } : { seq: msg.seq, data: msg.data };
}

export async function writeIfLast(bus: Bus, subject: string, data: Uint8Array, lastSeq: number): Promise<number | undefined> {
  try {
    const ack = await bus.js.publish(subject, data, { expect: { lastSubjectSequence: lastSeq } });
    return ack.seq;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence) return undefined;
    throw error;
  }
}
