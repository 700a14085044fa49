import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { jetstream } from '@nats-io/jetstream';
import { DomainFailure, Streams, defineBroadcast, defineRequest, domainError, type EventEnvelope, type RequestContext } from '@plass/contracts';
import { startNats, waitFor, type NatsServerHandle } from '@plass/testing';
import { Bus } from './bus.js';
import { consumeEvents, ensureStreams, publishEvent } from './jetstream.js';

const Echo = defineRequest('test.Echo', z.object({ text: z.string().max(10) }), z.object({ text: z.string(), tenantId: z.string() }));
const Fail = defineRequest('test.Fail', z.object({}), z.object({}));
const Crash = defineRequest('test.Crash', z.object({}), z.object({}));
const Nobody = defineRequest('test.Nobody', z.object({}), z.object({}));
const Ping = defineBroadcast('test.Ping', z.object({ n: z.number() }));

const ctx = (): RequestContext => ({ tenantId: randomUUID(), actorId: randomUUID(), roles: ['employee'], correlationId: randomUUID() });

const envelope = (overrides: Partial<EventEnvelope> = {}): EventEnvelope => ({
  id: randomUUID(),
  type: 'SpaceCreated',
  schemaVersion: 1,
  tenantId: randomUUID(),
  context: 'booking',
  streamId: 'space-1',
  occurredAt: new Date().toISOString(),
  correlationId: randomUUID(),
  causationId: null,
  data: { name: 'Desk 1' },
  ...overrides,
});

describe('Bus', () => {
  let nats: NatsServerHandle;
  let server: Bus;
  let client: Bus;

  beforeAll(async () => {
    nats = await startNats();
    server = await Bus.connect({ servers: nats.url, name: 'server' });
    client = await Bus.connect({ servers: nats.url, name: 'client' });
    server.handle(Echo, async (payload, context) => ({ text: payload.text, tenantId: context.tenantId }));
    server.handle(Fail, async () => {
      throw new DomainFailure(domainError('booking.conflict', 'taken'));
    });
    server.handle(Crash, async () => {
      throw new Error('secret internals');
    });
    await server.flush();
    await ensureStreams(server);
  });

  afterAll(async () => {
    await client.close();
    await server.close();
    await nats.stop();
  });

  it('carries payload and request context to the handler and back', async () => {
    const context = ctx();
    await expect(client.request(Echo, { text: 'hi' }, context)).resolves.toEqual({ text: 'hi', tenantId: context.tenantId });
  });

  it('has an invalid payload refused by the handling side as validation.failed, naming the path', async () => {
    const failure = await client.request(Echo, { text: 'far too long text' }, ctx()).catch((e: DomainFailure) => e);
    expect(failure).toBeInstanceOf(DomainFailure);
    expect((failure as DomainFailure).error).toMatchObject({ code: 'validation.failed', details: { errors: [expect.objectContaining({ path: 'text' })] } });
  });

  it('answers domain failures as values with their code', async () => {
    await expect(client.request(Fail, {}, ctx())).rejects.toMatchObject({ error: { code: 'booking.conflict' } });
  });

  it('hides unexpected errors behind internal.error', async () => {
    const failure = await client.request(Crash, {}, ctx()).catch((e: DomainFailure) => e);
    expect(failure).toBeInstanceOf(DomainFailure);
    expect((failure as DomainFailure).error).toEqual({ code: 'internal.error', message: expect.any(String) });
    expect(JSON.stringify((failure as DomainFailure).error)).not.toContain('secret internals');
  });

  it('answers service.unavailable when nobody handles a subject', async () => {
    await expect(client.request(Nobody, {}, ctx(), { timeoutMs: 500 })).rejects.toMatchObject({ error: { code: 'service.unavailable' } });
  });

  it('validates broadcasts and delivers them to every subscriber', async () => {
    const seen: number[] = [];
    server.onBroadcast(Ping, (m) => seen.push(m.n));
    client.onBroadcast(Ping, (m) => seen.push(m.n * 10));
    await server.flush();
    await client.flush();
    client.nc.publish(Ping.subject, new TextEncoder().encode('{"n":"not a number"}'));
    client.broadcast(Ping, { n: 1 });
    await waitFor(() => seen.length === 2, { what: 'broadcast' });
    expect(seen.sort()).toEqual([1, 10]);
  });

  it('tells whether a service is serving', async () => {
    expect(await client.isServing('server', 200)).toBe(false);
    server.serveHealth();
    await server.flush();
    expect(await client.isServing('server')).toBe(true);
  });

  it('deduplicates events by id on publish', async () => {
    const event = envelope();
    const first = await publishEvent(client, event);
    const second = await publishEvent(client, event);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ seq: first.seq, duplicate: true });
  });

  it('consumes durably, redelivers failures with backoff and parks poison messages', async () => {
    const tenantId = randomUUID();
    const handled: string[] = [];
    let failuresLeft = 2;
    const flaky = envelope({ tenantId, type: 'BookingConfirmed' });
    const poison = envelope({ tenantId, type: 'SpaceDisabled' });
    const consumer = await consumeEvents(server, {
      durable: 'test-consumer',
      filterSubject: `evt.${tenantId}.booking.>`,
      maxDeliver: 3,
      backoffMs: [10, 20],
      handler: async (event, meta) => {
        if (event.id === flaky.id && failuresLeft-- > 0) throw new Error(`attempt ${meta.deliveryCount}`);
        if (event.id === poison.id) throw new Error('never works');
        handled.push(event.id);
      },
    });
    await publishEvent(client, flaky);
    await publishEvent(client, poison);
    await jetstream(client.nc).publish(`evt.${tenantId}.booking.Garbage`, new TextEncoder().encode('not json'));
    await waitFor(() => consumer.caughtUp(), { what: 'consumer to drain' });
    expect(handled).toEqual([flaky.id]);

    const dlq = await client.jsm.streams.info(Streams.deadLetters);
    expect(dlq.state.messages).toBe(2);
    const reasons = await Promise.all([1, 2].map(async (seq) => (await client.jsm.streams.getMessage(Streams.deadLetters, { seq }))?.header.get('Plass-Dead-Letter-Reason')));
    expect(reasons.sort()).toEqual(['handler_failed', 'invalid_envelope']);
    await consumer.stop();
  });
});
