import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT, domainError } from '@plass/contracts';
import { startNats, type NatsServerHandle } from '@plass/testing';
import { startGateway, type RunningGateway } from './gateway.js';
import { caller, httpClient, type HttpAnswer } from './test-support/http-client.js';
import { IdentityStub } from './test-support/identity-stub.js';
import { capturingLogger } from './test-support/log-capture.js';

function expectProblem(answer: HttpAnswer, status: number, code: string) {
  expect({ status: answer.status, code: answer.json().code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('identity routes map to identity requests', () => {
  let nats: NatsServerHandle;
  let identity: IdentityStub;
  let gateway: RunningGateway;
  let call: ReturnType<typeof httpClient>;
  const logs = capturingLogger();
  const admin = caller(['admin']);
  const employee = caller(['employee'], admin.tenantId);
  const userId = randomUUID();
  const password = `pw-${randomUUID()}`;

  beforeAll(async () => {
    nats = await startNats();
    identity = await IdentityStub.start(nats.url);
    gateway = await startGateway({ natsUrl: nats.url, port: 0, logger: logs.logger });
    call = httpClient(gateway.url, identity.tokenFor);
  });

  afterAll(async () => {
    await gateway?.close();
    await identity?.close();
    await nats?.stop();
  });

  const lastRequest = () => identity.requests.at(-1)!;
  const asAdmin = (correlationId: string) => ({ tenantId: admin.tenantId, actorId: admin.userId, roles: ['admin'], correlationId });

  it('createUser: RegisterUser in the caller tenant, 201 with Location', async () => {
    const requestId = randomUUID();
    const body = { email: 'new@acme.example', displayName: 'New Person', role: 'employee', password, locale: 'nb' };
    const answer = await call('POST', '/v1/users', { as: admin, json: body, headers: { 'x-request-id': requestId } });
    expect(answer.status).toBe(201);
    const { id } = answer.json<{ id: string }>();
    expect(answer.headers.get('location')).toBe(`/v1/users/${id}`);
    expect(lastRequest()).toEqual({ subject: 'identity.cmd.RegisterUser', payload: body, ctx: asAdmin(requestId) });
  });

  it('createUser: a taken e-mail is 409 user.email_taken; employees are 403; bodies are strict', async () => {
    identity.failNext = domainError('user.email_taken', 'a user with this e-mail exists');
    expectProblem(await call('POST', '/v1/users', { as: admin, json: { email: 'taken@acme.example', displayName: 'T', role: 'admin' } }), 409, 'user.email_taken');
    expectProblem(await call('POST', '/v1/users', { as: employee, json: { email: 'x@acme.example', displayName: 'X', role: 'admin' } }), 403, 'auth.forbidden');
    const smuggled = await call('POST', '/v1/users', { as: admin, json: { email: 'y@acme.example', displayName: 'Y', role: 'admin', tenantId: randomUUID() } });
    expectProblem(smuggled, 400, 'validation.failed');
    expectProblem(await call('POST', '/v1/users', { as: admin, json: { email: 'y@acme.example', displayName: 'Y', role: 'operator' } }), 400, 'validation.failed');
  });

  it('listUsers: passes cursor and limit, defaulting the limit', async () => {
    const page = await call('GET', '/v1/users?cursor=abc&limit=10', { as: admin });
    expect(page.status).toBe(200);
    expect(page.json()).toEqual({ items: [expect.objectContaining({ role: 'employee' })], nextCursor: null });
    expect(lastRequest()).toMatchObject({ subject: 'identity.qry.ListUsers', payload: { cursor: 'abc', limit: 10 } });
    expect((await call('GET', '/v1/users', { as: admin })).json()).toMatchObject({ nextCursor: 'next-page' });
    expect(lastRequest().payload).toEqual({ limit: 50 });
  });

  it.each([
    ['limit=0', 'limit=0'],
    ['limit=101', 'limit=101'],
    ['limit=ten', 'limit=ten'],
    ['limit=1.5', 'limit=1.5'],
    ['a repeated limit', 'limit=1&limit=2'],
    ['a cursor over 200 characters', `cursor=${'c'.repeat(201)}`],
    ['a repeated cursor', 'cursor=a&cursor=b'],
  ])('listUsers: answers 400 validation.failed for %s', async (_case, query) => {
    const answer = await call('GET', `/v1/users?${query}`, { as: admin });
    expectProblem(answer, 400, 'validation.failed');
    expect(answer.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toMatch(/^query\.(limit|cursor)$/);
  });

  it('getUser, changeUser, deactivateUser: the path id becomes userId', async () => {
    expect((await call('GET', `/v1/users/${userId}`, { as: admin })).json()).toMatchObject({ id: userId });
    expect(lastRequest()).toMatchObject({ subject: 'identity.qry.GetUser', payload: { userId } });

    const changed = await call('PATCH', `/v1/users/${userId}`, { as: admin, json: { role: 'analyst' } });
    expect({ status: changed.status, role: changed.json().role }).toEqual({ status: 200, role: 'analyst' });
    expect(lastRequest()).toMatchObject({ subject: 'identity.cmd.CorrectUser', payload: { userId, role: 'analyst' } });

    const deactivated = await call('POST', `/v1/users/${userId}/deactivate`, { as: admin });
    expect({ status: deactivated.status, state: deactivated.json().status }).toEqual({ status: 200, state: 'deactivated' });
    expect(lastRequest()).toMatchObject({ subject: 'identity.cmd.DeactivateUser', payload: { userId } });
  });

  it('user routes answer the service problems: 404, 422, and 400 on bad ids', async () => {
    identity.failNext = domainError('user.not_found', 'no such user');
    expectProblem(await call('GET', `/v1/users/${userId}`, { as: admin }), 404, 'user.not_found');
    identity.failNext = domainError('user.deactivated', 'the user is deactivated');
    expectProblem(await call('PATCH', `/v1/users/${userId}`, { as: admin, json: { role: 'admin' } }), 422, 'user.deactivated');
    expectProblem(await call('POST', '/v1/users/not-a-uuid/deactivate', { as: admin }), 400, 'validation.failed');
    expectProblem(await call('PATCH', `/v1/users/${userId}`, { as: admin, json: {} }), 400, 'validation.failed');
    expectProblem(await call('GET', `/v1/users/${userId}`, { as: employee }), 403, 'auth.forbidden');
  });

  it('getMe and updateMe: the actor is the token subject', async () => {
    const me = await call('GET', '/v1/me', { as: employee });
    expect(me.json()).toMatchObject({ id: employee.userId });
    expect(lastRequest()).toMatchObject({ subject: 'identity.qry.GetMe', payload: {}, ctx: { actorId: employee.userId, tenantId: employee.tenantId } });

    const updated = await call('PATCH', '/v1/me', { as: employee, json: { displayName: 'Renamed', bookingVisibility: 'hidden' } });
    expect(updated.json()).toMatchObject({ id: employee.userId, displayName: 'Renamed', bookingVisibility: 'hidden' });
    expect(lastRequest()).toMatchObject({ subject: 'identity.cmd.UpdateMe', payload: { displayName: 'Renamed', bookingVisibility: 'hidden' } });
    expectProblem(await call('PATCH', '/v1/me', { as: employee, json: {} }), 400, 'validation.failed');
    expectProblem(await call('PATCH', '/v1/me', { as: employee, json: { role: 'admin' } }), 400, 'validation.failed');
  });

  it('issueToken and refreshToken: anonymous requests, answers not to be cached', async () => {
    const login = { tenantId: admin.tenantId, email: 'admin@acme.example', password };
    const requestId = randomUUID();
    const tokens = await call('POST', '/v1/auth/token', { json: login, headers: { 'x-request-id': requestId, authorization: `Bearer ${await identity.tokenFor(admin)}` } });
    expect(tokens.status).toBe(200);
    expect(tokens.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    // The client's address travels along (loopback here): identity counts failed logins per address.
    expect(lastRequest()).toEqual({
      subject: 'identity.auth.IssueToken',
      payload: { ...login, clientAddress: '127.0.0.1' },
      ctx: { tenantId: PLATFORM_TENANT, roles: [], correlationId: requestId },
    });

    const refreshed = await call('POST', '/v1/auth/refresh', { json: { refreshToken: 'opaque-refresh-token' } });
    expect({ status: refreshed.status, cache: refreshed.headers.get('cache-control') }).toEqual({ status: 200, cache: 'no-store' });
    expect(lastRequest()).toMatchObject({
      subject: 'identity.auth.RefreshToken',
      payload: { refreshToken: 'opaque-refresh-token' },
      ctx: { tenantId: PLATFORM_TENANT, roles: [] },
    });

    identity.failNext = domainError('auth.invalid_credentials', 'the credentials are not valid');
    const refused = await call('POST', '/v1/auth/token', { json: login });
    expectProblem(refused, 401, 'auth.invalid_credentials');
    expect(refused.headers.get('www-authenticate')).toBeNull();
    expectProblem(await call('POST', '/v1/auth/token', { json: { ...login, tenantId: 'acme' } }), 400, 'validation.failed');
  });

  it('setPassword: anonymous SetPassword with the client address, 204 without a body', async () => {
    const body = { token: 'opaque-set-password-token', password };
    const requestId = randomUUID();
    const answer = await call('POST', '/v1/auth/password', { json: body, headers: { 'x-request-id': requestId } });
    expect({ status: answer.status, text: answer.text, type: answer.headers.get('content-type') }).toEqual({ status: 204, text: '', type: null });
    expect(lastRequest()).toEqual({
      subject: 'identity.auth.SetPassword',
      payload: { ...body, clientAddress: '127.0.0.1' },
      ctx: { tenantId: PLATFORM_TENANT, roles: [], correlationId: requestId },
    });
  });

  it('setPassword: an unknown, expired or used token is 401 auth.invalid_token; identity’s limit is 429 with Retry-After', async () => {
    identity.failNext = domainError('auth.invalid_token', 'the token is not valid, has expired or was used already');
    const refused = await call('POST', '/v1/auth/password', { json: { token: 'used', password } });
    expectProblem(refused, 401, 'auth.invalid_token');
    expect(refused.headers.get('www-authenticate')).toBeNull();
    identity.failNext = domainError('auth.rate_limited', 'too many failed attempts', { retryAfterSeconds: 600 });
    const limited = await call('POST', '/v1/auth/password', { json: { token: 'guess', password } });
    expectProblem(limited, 429, 'auth.rate_limited');
    expect(limited.headers.get('retry-after')).toBe('600');
  });

  it.each([
    ['a weak password', { token: 't', password: 'short' }, ['body.password']],
    ['a password over 200 characters', { token: 't', password: 'p'.repeat(201) }, ['body.password']],
    ['an empty token', { token: '', password: 'long enough password' }, ['body.token']],
    ['a token over 200 characters', { token: 't'.repeat(201), password: 'long enough password' }, ['body.token']],
    ['no token', { password: 'long enough password' }, ['body.token']],
    ['a token that is not a string', { token: 42, password: 'long enough password' }, ['body.token']],
    ['a smuggled field', { token: 't', password: 'long enough password', tenantId: randomUUID() }, ['body.tenantId']],
    ['a smuggled client address', { token: 't', password: 'long enough password', clientAddress: '10.0.0.1' }, ['body.clientAddress']],
  ])('setPassword: %s is 400 validation.failed, and identity is not asked', async (_case, body, paths) => {
    const asked = identity.requests.length;
    const answer = await call('POST', '/v1/auth/password', { json: body });
    expectProblem(answer, 400, 'validation.failed');
    expect(answer.json<{ errors: Array<{ path: string }> }>().errors.map((error) => error.path)).toEqual(paths);
    expect(identity.requests.length).toBe(asked);
  });

  it('setPassword: malformed JSON, a form body and an array are 4xx problems', async () => {
    expectProblem(await call('POST', '/v1/auth/password', { body: '{"token": ' }), 400, 'request.malformed');
    expectProblem(
      await call('POST', '/v1/auth/password', { body: 'token=t', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'request.unsupported_media_type',
    );
    expectProblem(await call('POST', '/v1/auth/password', { json: [] }), 400, 'validation.failed');
    expectProblem(await call('GET', '/v1/auth/password'), 405, 'method.not_allowed');
  });

  it('jwks: the published keys, cacheable for a minute', async () => {
    const answer = await call('GET', '/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ keys: [identity.current.publicJwk] });
    expect(answer.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('logs no passwords, e-mail addresses or tokens', () => {
    const output = logs.lines.join('\n');
    for (const secret of [password, 'acme.example', 'opaque-refresh-token', 'opaque-set-password-token', 'Renamed']) expect(output).not.toContain(secret);
  });
});
