import type { EventEnvelope } from '@plass/contracts';
import { consumeEvents, parkEvent, processSpan, publishEnvelope, type Bus, type EventConsumer } from '@plass/bus';
import { storedEnvelope, type EventStore, type Relay } from '@plass/eventstore';
import { PROJECTION_WINDOW } from './projection-runner.js';

/** What applies events to a projection: a ProjectionRunner. */
export interface EventApplier {
  handle(envelope: EventEnvelope): Promise<unknown>;
}

/**
 * A service's projection of its own events, fed by its relay (ADR 0002): `name` names its spans
 * and its dead letters, as a durable consumer's name does.
 */
export interface OwnProjection {
  name: string;
  runner: EventApplier;
}

/** Tries of one event against an own projection before it is parked, as a consumer's `max_deliver`. */
export const OWN_PROJECTION_ATTEMPTS = 5;

interface Logger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * A service's event flow (ADR 0002): its event store relayed to JetStream `PLASS_EVENTS`, and its
 * own projections fed by the same relay, each event once JetStream has it. The relay deletes an
 * outbox row (or moves its checkpoint) only after both, so a crash republishes (deduplicated by
 * id) and re-applies (idempotent by id). An event a projection keeps failing is parked on
 * `dlq.<name>` after `OWN_PROJECTION_ATTEMPTS` tries, so it never stops the relay.
 */
export async function relayToJetStream(bus: Bus, events: EventStore, logger: Logger, own: OwnProjection[] = []): Promise<Relay> {
  const failures = new Map<string, number>();
  const apply = async (projection: OwnProjection, envelope: EventEnvelope) => {
    const key = `${projection.name}:${envelope.id}`;
    try {
      await processSpan(projection.name, envelope, () => projection.runner.handle(envelope));
      failures.delete(key);
    } catch (error) {
      const attempts = (failures.get(key) ?? 0) + 1;
      const fields = { err: error, projection: projection.name, eventId: envelope.id, eventType: envelope.type, attempts };
      if (attempts < OWN_PROJECTION_ATTEMPTS) {
        failures.set(key, attempts);
        logger.warn(fields, 'projecting an own event failed; the relay retries it');
        throw error;
      }
      failures.delete(key);
      logger.error(fields, 'parked an own event after its last try');
      await parkEvent(bus, envelope, projection.name, 'handler_failed');
    }
  };
  const relay = events.relay(
    {
      publish: async (recorded) => {
        const envelope = storedEnvelope(recorded);
        await publishEnvelope(bus, envelope);
        await Promise.all(own.map((projection) => apply(projection, envelope)));
      },
    },
    { onError: (error) => logger.warn({ err: error }, 'relay publish failed; retrying') },
  );
  await relay.start();
  return relay;
}

/** A durable consumer handing a runner every event of `filterSubject` (another service's); the runner keeps their order. */
export function projectFromJetStream(bus: Bus, runner: EventApplier, options: { durable: string; filterSubject: string }): Promise<EventConsumer> {
  return consumeEvents(bus, { ...options, handler: async (envelope) => void (await runner.handle(envelope)), concurrency: PROJECTION_WINDOW });
}
