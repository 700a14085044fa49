import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Bus, ensureStreams } from '@plass/bus';
import { Streams, type EventEnvelope, type EventType, type SealedEventData } from '@plass/contracts';
import { openSqliteEventStore, toNewEvent, type EventStore, type Relay } from '@plass/eventstore';
import { startNats, tempDir, waitFor, type NatsServerHandle, type TempDir } from '@plass/testing';
import { OWN_PROJECTION_ATTEMPTS, relayToJetStream } from './event-flow.js';
import { ProjectionRunner } from './projection-runner.js';
import type { ProjectionStore } from './projection-store.js';
import { openSqliteProjectionStore } from './sqlite-projection-store.js';

const tenantId = randomUUID();
const desk1 = randomUUID();
const desk2 = randomUUID();
const envelope = <T extends EventType>(type: T, data: SealedEventData<T>): EventEnvelope => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  tenantId,
  context: 'booking',
  streamId: 'space-flow',
  occurredAt: new Date().toISOString(),
  correlationId: randomUUID(),
  causationId: null,
  data,
});

describe('relayToJetStream with an own projection (real NATS, real SQLite)', () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let dir: TempDir;
  let events: EventStore;
  let readModel: ProjectionStore;
  let relay: Relay;
  const poisonTries: string[] = [];
  const logged: Array<{ level: string; message: string }> = [];

  beforeAll(async () => {
    nats = await startNats();
    bus = await Bus.connect({ servers: nats.url, name: 'flow' });
    await ensureStreams(bus);
    dir = tempDir('plass-flow-');
    events = openSqliteEventStore({ file: join(dir.path, 'events.db') });
    readModel = openSqliteProjectionStore({ file: join(dir.path, 'read-model.db') });
    const runner = new ProjectionRunner({
      store: readModel,
      definition: {
        name: 'flow',
        collections: ['spaces'],
        handlers: {
          SpaceCreated: (event, tx) => tx.put('spaces', event.data.spaceId, { name: event.data.name }),
          SpaceDisabled: (event) => {
            poisonTries.push(event.id);
            throw new Error('this projection cannot apply it');
          },
        },
      },
    });
    const logger = {
      warn: (_: object, message: string) => logged.push({ level: 'warn', message }),
      error: (_: object, message: string) => logged.push({ level: 'error', message }),
    };
    relay = await relayToJetStream(bus, events, logger, [{ name: 'flow-read-model', runner }]);
  });

  afterAll(async () => {
    await relay.stop();
    await bus.close();
    await events.close();
    await readModel.close();
    await nats.stop();
    dir.remove();
  });

  it('applies each own event once JetStream has it, and is idle only once both are done', async () => {
    const created = envelope('SpaceCreated', { spaceId: desk1, name: 'Desk 1', kind: 'desk' });
    await events.appendToStream(created.streamId, [toNewEvent(created)]);
    await relay.idle();
    expect(await readModel.get('spaces', desk1)).toEqual({ name: 'Desk 1' });
    const stored = await bus.jsm.streams.getMessage(Streams.events, { last_by_subj: `evt.${tenantId}.booking.SpaceCreated` });
    expect(stored?.json<EventEnvelope>().id).toBe(created.id);
  });

  it('parks an event the projection keeps failing on dlq.<name>, and goes on with the next', async () => {
    const poison = envelope('SpaceDisabled', { spaceId: desk1 });
    const next = envelope('SpaceCreated', { spaceId: desk2, name: 'Desk 2', kind: 'desk' });
    await events.appendToStreams([{ streamId: poison.streamId, expectedRevision: 0, events: [toNewEvent(poison), toNewEvent(next)] }]);
    await waitFor(async () => (await readModel.get('spaces', desk2)) !== undefined, { what: 'the event after the parked one', timeoutMs: 20_000 });
    expect(poisonTries).toEqual(Array.from({ length: OWN_PROJECTION_ATTEMPTS }, () => poison.id));

    const parked = await bus.jsm.streams.getMessage(Streams.deadLetters, { last_by_subj: 'dlq.flow-read-model' });
    expect(parked?.header.get('Plass-Dead-Letter-Reason')).toBe('handler_failed');
    expect(parked?.header.get('Plass-Original-Event-Id')).toBe(poison.id);
    expect(parked?.header.get('Plass-Original-Subject')).toBe(`evt.${tenantId}.booking.SpaceDisabled`);
    expect(parked?.json<EventEnvelope>()).toEqual(poison);
    expect(logged.filter((line) => line.level === 'error')).toEqual([{ level: 'error', message: 'parked an own event after its last try' }]);
  });
});
