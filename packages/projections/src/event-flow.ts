import type { EventEnvelope } from '@plass/contracts';
import { consumeEvents, publishEvent, type Bus, type EventConsumer } from '@plass/bus';
import { toEnvelope, type EventStore, type Relay } from '@plass/eventstore';
import { PROJECTION_WINDOW } from './projection-runner.js';

/**
 * A service's event flow (ADR 0002): its event store relayed to JetStream `PLASS_EVENTS`, and
 * its projections fed from there by durable consumers. Each service wires the same two steps.
 */
export async function relayToJetStream(bus: Bus, events: EventStore, logger: { warn(fields: object, message: string): void }): Promise<Relay> {
  const relay = events.relay(
    { publish: async (recorded) => void (await publishEvent(bus, toEnvelope(recorded))) },
    { onError: (error) => logger.warn({ err: error }, 'relay publish failed; retrying') },
  );
  await relay.start();
  return relay;
}

/** A durable consumer handing a runner every event of `filterSubject`; the runner keeps their order. */
export function projectFromJetStream(
  bus: Bus,
  runner: { handle(envelope: EventEnvelope): Promise<unknown> },
  options: { durable: string; filterSubject: string },
): Promise<EventConsumer> {
  return consumeEvents(bus, { ...options, handler: async (envelope) => void (await runner.handle(envelope)), concurrency: PROJECTION_WINDOW });
}
