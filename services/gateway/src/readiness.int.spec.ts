import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Bus } from '@plass/bus';
import { startNats, waitFor, type NatsServerHandle } from '@plass/testing';
import { startGateway, type RunningGateway } from './gateway.js';
import { httpClient } from './test-support/http-client.js';
import { capturingLogger } from './test-support/log-capture.js';

describe('readiness follows the NATS connection and the upstream services', () => {
  let nats: NatsServerHandle;
  let gateway: RunningGateway;
  let call: ReturnType<typeof httpClient>;
  const upstreams: Bus[] = [];

  beforeAll(async () => {
    nats = await startNats();
    gateway = await startGateway({ natsUrl: nats.url, port: 0, logger: capturingLogger().logger });
    call = httpClient(gateway.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(upstreams.map((bus) => bus.close()));
    await nats?.stop();
  });

  it('is not ready until every upstream service answers its health ping', async () => {
    for (const service of ['identity', 'booking']) {
      const upstream = await Bus.connect({ servers: nats.url, name: service });
      upstreams.push(upstream);
      upstream.serveHealth();
      await upstream.flush();
    }
    const waiting = await call('GET', '/readyz');
    expect(waiting.status).toBe(503);
    expect(waiting.json()).toMatchObject({ code: 'service.unavailable', detail: 'not ready: privacy unavailable' });

    const privacy = await Bus.connect({ servers: nats.url, name: 'privacy' });
    upstreams.push(privacy);
    privacy.serveHealth();
    await privacy.flush();
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { nats: 'ok', identity: 'ok', booking: 'ok', privacy: 'ok' } });
  });

  it('is ready while connected, 503 service.unavailable while NATS is down, ready again after reconnecting', async () => {
    expect((await call('GET', '/readyz')).status).toBe(200);

    await nats.stop();
    const down = await waitFor(
      async () => {
        const answer = await call('GET', '/readyz');
        return answer.status !== 200 && answer;
      },
      { what: 'readyz to report the disconnect' },
    );
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(down.json()).toMatchObject({ code: 'service.unavailable', instance: '/readyz' });
    expect((await call('GET', '/healthz')).status).toBe(200);

    nats = await startNats({ port: nats.port });
    await waitFor(async () => (await call('GET', '/readyz')).status === 200, { what: 'readyz after reconnect', timeoutMs: 15_000 });
  }, 30_000);
});
