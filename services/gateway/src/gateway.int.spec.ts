import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startNats, type NatsServerHandle } from '@plass/testing';
import { startGateway, type RunningGateway } from './gateway.js';
import { allRoutes } from './http/route-table.js';
import { BookingStub } from './test-support/booking-stub.js';
import { IdentityStub } from './test-support/identity-stub.js';
import { caller, httpClient, type HttpAnswer } from './test-support/http-client.js';
import { capturingLogger } from './test-support/log-capture.js';
import { startStubStack, type StubStack } from './test-support/stub-stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function expectProblem(answer: HttpAnswer, status: number, code: string, instance?: string) {
  expect({ status: answer.status, code: answer.json().code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = answer.json();
  expect(problem).toMatchObject({ type: `https://plass.dev/problems/${code}`, status, code, title: expect.any(String) });
  if (instance) expect(problem.instance).toBe(instance);
  expect(answer.headers.get('x-request-id')).toMatch(UUID);
}

describe('gateway with a booking service on the bus', () => {
  let booking: BookingStub;
  let call: ReturnType<typeof httpClient>;
  const logs = capturingLogger();
  const admin = caller(['admin']);
  const employee = caller(['employee'], admin.tenantId);
  const otherTenant = caller(['employee', 'admin']);

  let stack: StubStack;

  beforeAll(async () => {
    stack = await startStubStack({ logger: logs.logger });
    ({ booking, call } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  let spacesPath: string;

  beforeAll(async () => {
    const location = await call('POST', '/v1/locations', { as: admin, json: { name: 'Oslo office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5] } });
    expect(location.status).toBe(201);
    spacesPath = `/v1/locations/${location.json<{ id: string }>().id}/spaces`;
  });

  const createSpace = async () => {
    const answer = await call('POST', spacesPath, { as: admin, json: { name: 'Desk by the window', kind: 'desk', floor: '3' } });
    expect(answer.status).toBe(201);
    return answer.json<{ id: string }>();
  };

  describe('routes', () => {
    it('creates a space in a location: 201, the space, and its Location', async () => {
      const answer = await call('POST', spacesPath, { as: admin, json: { name: '  Room 1  ', kind: 'room' } });
      expect(answer.status).toBe(201);
      const space = answer.json<{ id: string }>();
      expect(space).toEqual({ id: expect.stringMatching(UUID), locationId: spacesPath.split('/')[3], name: 'Room 1', kind: 'room', status: 'active' });
      expect(answer.headers.get('location')).toBe(`/v1/spaces/${space.id}`);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      const read = await call('GET', `/v1/spaces/${space.id}`, { as: employee });
      expect(read.status).toBe(200);
      expect(read.json()).toEqual(space);
    });

    it('books a space for the caller: 201 with Location, readable back', async () => {
      const space = await createSpace();
      const answer = await call('POST', '/v1/bookings', {
        as: employee,
        json: { spaceId: space.id, start: '2030-01-01T09:00:00+01:00', end: '2030-01-01T17:00:00+01:00', subject: 'Planning' },
      });
      expect(answer.status).toBe(201);
      const created = answer.json<{ id: string }>();
      expect(created).toMatchObject({ spaceId: space.id, kind: 'desk', status: 'confirmed', bookedBy: employee.userId, subject: 'Planning', redacted: [] });
      expect(answer.headers.get('location')).toBe(`/v1/bookings/${created.id}`);
      const read = await call('GET', `/v1/bookings/${created.id}`, { as: employee });
      expect(read.status).toBe(200);
      expect(read.json()).toEqual(created);
    });

    it('passes shredded personal fields through as null, named in redacted', async () => {
      const space = await createSpace();
      const created = (
        await call('POST', '/v1/bookings', { as: employee, json: { spaceId: space.id, start: '2031-01-01T09:00:00Z', end: '2031-01-01T10:00:00Z', subject: 'Secret' } })
      ).json<{ id: string }>();
      booking.shredded.add(created.id);
      const read = await call('GET', `/v1/bookings/${created.id}`, { as: employee });
      expect(read.status).toBe(200);
      expect(read.json()).toMatchObject({ id: created.id, bookedBy: null, subject: null, redacted: ['bookedBy', 'subject'] });
    });

    it('sends the tenant, actor, roles and request id of the caller, never anything from the body', async () => {
      const requestId = randomUUID();
      booking.requests.length = 0;
      await call('POST', spacesPath, { as: admin, headers: { 'x-request-id': requestId }, json: { name: 'Desk 9', kind: 'desk' } });
      expect(booking.requests.map((request) => request.ctx)).toEqual([{ tenantId: admin.tenantId, actorId: admin.userId, roles: ['admin'], correlationId: requestId }]);
      const smuggled = await call('POST', spacesPath, { as: admin, json: { name: 'Desk 10', kind: 'desk', tenantId: otherTenant.tenantId } });
      expectProblem(smuggled, 400, 'validation.failed');
      expect(smuggled.json().errors).toEqual([{ path: 'body.tenantId', message: 'unknown field' }]);
    });

    it('keeps tenants apart: another tenant reads 404', async () => {
      const space = await createSpace();
      expectProblem(await call('GET', `/v1/spaces/${space.id}`, { as: otherTenant }), 404, 'space.not_found', `/v1/spaces/${space.id}`);
    });
  });

  describe('service failures', () => {
    it('maps a DomainFailure to its status, with its message as detail', async () => {
      const space = await createSpace();
      const slot = { spaceId: space.id, start: '2032-05-01T08:00:00Z', end: '2032-05-01T12:00:00Z' };
      expect((await call('POST', '/v1/bookings', { as: employee, json: slot })).status).toBe(201);
      const conflict = await call('POST', '/v1/bookings', { as: employee, json: { ...slot, start: '2032-05-01T11:00:00Z' } });
      expectProblem(conflict, 409, 'booking.conflict', '/v1/bookings');
      expect(conflict.json().detail).toBe('the space is taken then');
      expectProblem(await call('GET', `/v1/bookings/${randomUUID()}`, { as: employee }), 404, 'booking.not_found');
      expectProblem(await call('POST', '/v1/bookings', { as: employee, json: { ...slot, spaceId: randomUUID() } }), 404, 'space.not_found');
    });

    it('answers a crash in a service as 500 internal.error without its details', async () => {
      booking.crashNext = true;
      const answer = await call('POST', spacesPath, { as: admin, json: { name: 'Desk 11', kind: 'desk' } });
      expectProblem(answer, 500, 'internal.error');
      expect(answer.json().detail).toBeUndefined();
      expect(answer.text).not.toContain('secret internals');
    });
  });

  describe('authentication and roles', () => {
    const path = `/v1/spaces/${randomUUID()}`;

    it.each([
      ['no Authorization header', {}],
      ['another scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a bearer that is no JWT', { authorization: 'Bearer not-a-jwt' }],
      ['a huge bearer', { authorization: `Bearer ${'a'.repeat(10_000)}` }],
      ['the old development headers', { 'x-plass-tenant': randomUUID(), 'x-plass-user': randomUUID(), 'x-plass-roles': 'admin' }],
    ])('answers 401 auth.unauthenticated for %s', async (_case, headers) => {
      const answer = await call('GET', path, { headers });
      expectProblem(answer, 401, 'auth.unauthenticated', path);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('authenticates before reading a body', async () => {
      expectProblem(await call('POST', spacesPath, { body: '{not json', headers: { 'content-type': 'text/plain' } }), 401, 'auth.unauthenticated');
    });

    it('answers 403 auth.forbidden when no role of the caller may use the route', async () => {
      expectProblem(await call('POST', spacesPath, { as: employee, json: { name: 'Desk', kind: 'desk' } }), 403, 'auth.forbidden', spacesPath);
      expectProblem(await call('GET', path, { as: caller([], admin.tenantId) }), 403, 'auth.forbidden');
    });

    it('lets any of the route roles through', async () => {
      const answer = await call('GET', path, { as: caller(['analyst', 'privacy_officer']) });
      expectProblem(answer, 404, 'space.not_found');
    });
  });

  describe('request id', () => {
    it('echoes a uuid X-Request-Id, on success and on errors', async () => {
      const id = randomUUID();
      expect((await call('GET', '/healthz', { headers: { 'x-request-id': id } })).headers.get('x-request-id')).toBe(id);
      expect((await call('GET', '/nope', { headers: { 'x-request-id': id } })).headers.get('x-request-id')).toBe(id);
      expect((await call('GET', `/v1/spaces/${randomUUID()}`, { headers: { 'x-request-id': id } })).headers.get('x-request-id')).toBe(id);
    });

    it('replaces a request id that is not a uuid with a fresh one', async () => {
      const first = (await call('GET', '/healthz', { headers: { 'x-request-id': 'abc; drop table' } })).headers.get('x-request-id');
      const second = (await call('GET', '/healthz')).headers.get('x-request-id');
      expect(first).toMatch(UUID);
      expect(second).toMatch(UUID);
      expect(first).not.toBe(second);
    });
  });

  describe('public routes', () => {
    it('answers healthz and readyz', async () => {
      const health = await call('GET', '/healthz');
      expect({ status: health.status, body: health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
      const ready = await call('GET', '/readyz');
      // Only the booking and identity stand-ins run here: the gateway is not ready without privacy's keys.
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'service.unavailable', detail: 'not ready: privacy unavailable' });
    });

    it('serves the OpenAPI document of every route', async () => {
      const answer = await call('GET', '/openapi.json');
      expect(answer.status).toBe(200);
      const document = answer.json<{ openapi: string; paths: Record<string, Record<string, { operationId: string }>> }>();
      expect(document.openapi).toBe('3.1.0');
      const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
      expect(operations.sort()).toEqual(Object.keys(allRoutes).sort());
    });

    it('serves Prometheus metrics labelled by route id, method and status, with no ids in them', async () => {
      const spaceId = randomUUID();
      await call('GET', `/v1/spaces/${spaceId}`, { as: employee });
      await call('GET', `/v1/spaces/not-a-uuid?email=someone@example.com`, { as: employee });
      const answer = await call('GET', '/metrics');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      const series = (name: string, labels: Record<string, string>) =>
        answer.text.split('\n').filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
      expect(series('plass_http_requests_total', { route: 'getSpace', method: 'GET', status: '404', service: 'gateway' })).toHaveLength(1);
      expect(series('plass_http_requests_total', { route: 'getSpace', method: 'GET', status: '400' })).toHaveLength(1);
      expect(series('plass_http_request_duration_seconds_count', { route: 'createSpace', method: 'POST', status: '201' })).toHaveLength(1);
      for (const forbidden of [spaceId, employee.userId, employee.tenantId, 'not-a-uuid', 'example.com']) expect(answer.text).not.toContain(forbidden);
    });
  });

  describe('logging', () => {
    it('logs method, route id, status, duration and correlation id; never bodies, identities or queries', async () => {
      const requestId = randomUUID();
      const marker = `Desk ${randomUUID()}`;
      await call('POST', `${spacesPath}?token=${marker}`, { as: admin, headers: { 'x-request-id': requestId }, json: { name: marker, kind: 'desk' } });
      const line = logs.records().find((record) => record.correlationId === requestId && record.msg === 'request');
      expect(line).toMatchObject({ method: 'POST', route: 'createSpace', status: 201, durationMs: expect.any(Number), service: 'gateway' });
      const output = logs.lines.join('\n');
      for (const secret of [marker, admin.userId, admin.tenantId, employee.userId, 'someone@example.com', 'token=']) {
        expect(output).not.toContain(secret);
      }
    });
  });
});

describe('gateway without a booking service', () => {
  let nats: NatsServerHandle;
  let gateway: RunningGateway;
  let identity: IdentityStub;
  let call: ReturnType<typeof httpClient>;
  const logs = capturingLogger();
  const crashing = caller(['employee']);

  beforeAll(async () => {
    nats = await startNats();
    identity = await IdentityStub.start(nats.url);
    gateway = await startGateway({
      natsUrl: nats.url,
      port: 0,
      logger: logs.logger,
      authenticator: (bearer) => ({
        authenticate: async (request) => {
          const context = await bearer.authenticate(request);
          if (context.actorId === crashing.userId) throw new TypeError(`a bug with ${crashing.userId} in it`);
          return context;
        },
      }),
    });
    call = httpClient(gateway.url, identity.tokenFor);
  });

  afterAll(async () => {
    await gateway?.close();
    await identity?.close();
    await nats?.stop();
  });

  it('answers 503 service.unavailable when nobody handles the request', async () => {
    const path = `/v1/bookings/${randomUUID()}`;
    expectProblem(await call('GET', path, { as: caller(['employee']) }), 503, 'service.unavailable', path);
  });

  it('answers a bug of its own as a bare 500 internal.error and logs it', async () => {
    const requestId = randomUUID();
    const answer = await call('GET', `/v1/spaces/${randomUUID()}`, { as: crashing, headers: { 'x-request-id': requestId } });
    expectProblem(answer, 500, 'internal.error');
    expect(answer.json()).not.toHaveProperty('detail');
    expect(answer.text).not.toContain('bug');
    const logged = logs.records().find((record) => record.correlationId === requestId && record.level === 50);
    expect(logged).toMatchObject({ msg: 'request failed unexpectedly', route: 'getSpace', fault: { type: 'TypeError', frames: expect.any(Array) } });
    expect(logs.lines.join('\n')).not.toContain(crashing.userId);
  });
});
