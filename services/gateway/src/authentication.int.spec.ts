import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT } from '@plass/contracts';
import { startNats, type NatsServerHandle } from '@plass/testing';
import { SignJWT, UnsecuredJWT, base64url } from 'jose';
import { startGateway, type RunningGateway } from './gateway.js';
import { caller, httpClient, type HttpAnswer } from './test-support/http-client.js';
import { IdentityStub } from './test-support/identity-stub.js';
import { capturingLogger } from './test-support/log-capture.js';
import { SigningKey } from './test-support/signing-key.js';

const OPERATOR_TOKEN = `op-${randomUUID()}-${randomUUID()}`;
const tenant = { name: 'Acme', admin: { email: 'admin@acme.example', displayName: 'Ada Admin', password: 'correct horse battery' } };

function expectUnauthenticated(answer: HttpAnswer) {
  expect({ status: answer.status, code: answer.json().code }).toEqual({ status: 401, code: 'auth.unauthenticated' });
  expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(answer.json().detail).toBeUndefined();
}

describe('authentication with identity-signed tokens', () => {
  const clock = { now: new Date() };
  const now = () => clock.now;
  const advance = (seconds: number) => {
    clock.now = new Date(clock.now.getTime() + seconds * 1000);
  };
  const logs = capturingLogger();
  const employee = caller(['employee']);
  const tokensSent: string[] = [];
  let nats: NatsServerHandle;
  let identity: IdentityStub;
  let gateway: RunningGateway;
  let behindProxy: RunningGateway;
  let call: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    nats = await startNats();
    identity = await IdentityStub.start(nats.url, { now });
    gateway = await startGateway({ natsUrl: nats.url, port: 0, logger: logs.logger, now, operatorToken: OPERATOR_TOKEN, loginThrottle: { attempts: 3 } });
    // No operator token; believes X-Forwarded-For from the local proxy.
    behindProxy = await startGateway({ natsUrl: nats.url, port: 0, logger: logs.logger, now, trustProxy: ['127.0.0.1', '::1'], loginThrottle: { attempts: 3 } });
    call = httpClient(gateway.url, identity.tokenFor);
  });

  afterAll(async () => {
    await gateway?.close();
    await behindProxy?.close();
    await identity?.close();
    await nats?.stop();
  });

  const me = (token: string, base = gateway.url) => {
    tokensSent.push(token);
    return httpClient(base)('GET', '/v1/me', { headers: { authorization: `Bearer ${token}` } });
  };
  const claims = (overrides: Record<string, unknown> = {}) => ({ sub: employee.userId, tid: employee.tenantId, roles: employee.roles, ...overrides });
  const fetchesDuring = async (work: () => Promise<void>) => {
    const before = identity.jwksFetches;
    await work();
    return identity.jwksFetches - before;
  };

  describe('access tokens', () => {
    it('accepts a valid token: tenant, actor and roles come from its claims', async () => {
      const requestId = randomUUID();
      const token = await identity.tokenFor(employee);
      tokensSent.push(token);
      const answer = await call('GET', '/v1/me', { headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId } });
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ id: employee.userId });
      expect(identity.requests.at(-1)).toEqual({
        subject: 'identity.qry.GetMe',
        payload: {},
        ctx: { tenantId: employee.tenantId, actorId: employee.userId, roles: ['employee'], correlationId: requestId },
      });
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const [header, , signature] = (await identity.tokenFor(employee)).split('.');
      const forged = base64url.encode(JSON.stringify({ ...claims({ roles: ['admin'] }), iss: 'plass', aud: 'plass-api', exp: Math.floor(now().getTime() / 1000) + 600 }));
      expectUnauthenticated(await me(`${header}.${forged}.${signature}`));
    });

    it('refuses a token signed by another key under a published kid', async () => {
      const impostor = await SigningKey.generate(identity.current.kid);
      expectUnauthenticated(await me(await impostor.sign(claims(), { issuedAt: now() })));
    });

    it('refuses alg none, with and without a signature', async () => {
      const unsecured = new UnsecuredJWT(claims()).setIssuer('plass').setAudience('plass-api').setIssuedAt().setExpirationTime('10m').encode();
      expectUnauthenticated(await me(unsecured));
      const [, payload] = unsecured.split('.');
      const withKid = base64url.encode(JSON.stringify({ alg: 'none', kid: identity.current.kid }));
      expectUnauthenticated(await me(`${withKid}.${payload}.`));
      const signature = (await identity.tokenFor(employee)).split('.')[2];
      expectUnauthenticated(await me(`${withKid}.${payload}.${signature}`));
    });

    it('refuses HS256 tokens keyed with the public key', async () => {
      const key = identity.current;
      const secrets = [key.publicKeyBytes, new TextEncoder().encode(JSON.stringify(key.publicJwk)), new TextEncoder().encode(key.publicJwk.x)];
      for (const secret of secrets) {
        const token = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: key.kid })
          .setIssuer('plass')
          .setAudience('plass-api')
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(secret);
        expectUnauthenticated(await me(token));
      }
    });

    it('refuses an expired token, allowing 5 s of clock skew', async () => {
      const token = await identity.tokenFor(employee, { lifetimeS: 60 });
      expect((await me(token)).status).toBe(200);
      advance(64);
      expect((await me(token)).status).toBe(200);
      advance(2);
      expectUnauthenticated(await me(token));
    });

    it('refuses a token before its nbf', async () => {
      const token = await identity.tokenFor(employee, { notBefore: new Date(now().getTime() + 60_000) });
      expectUnauthenticated(await me(token));
      advance(60);
      expect((await me(token)).status).toBe(200);
    });

    it.each([
      ['another issuer', { issuer: 'evil' }],
      ['another audience', { audience: 'plass-admin' }],
      ['no kid', { kid: null }],
      ['no exp', { lifetimeS: null }],
    ])('refuses a token with %s', async (_case, options) => {
      expectUnauthenticated(await me(await identity.tokenFor(employee, options)));
    });

    it.each([
      ['no tid', { tid: undefined }],
      ['no roles', { roles: undefined }],
      ['no sub', { sub: undefined }],
      ['a sub that is no uuid', { sub: 'admin' }],
      ['a tid that is no uuid', { tid: 'acme' }],
      ['the platform tenant', { tid: PLATFORM_TENANT }],
      ['roles that are no list', { roles: 'admin' }],
      ['an unknown role', { roles: ['root'] }],
      ['the operator role', { roles: ['operator'] }],
    ])('refuses a token with %s', async (_case, overrides) => {
      const token = await identity.current.sign(claims(overrides), { issuedAt: now() });
      expectUnauthenticated(await me(token));
    });

    it('logs why a token was refused, never the token', async () => {
      const token = await identity.tokenFor(employee, { issuer: 'evil' });
      const requestId = randomUUID();
      const answer = await call('GET', '/v1/me', { headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId } });
      expect(answer.status).toBe(401);
      expect(logs.records().find((record) => record.correlationId === requestId && record.msg === 'token rejected')).toMatchObject({ reason: 'issuer' });
      expect(
        logs
          .records()
          .filter((record) => record.msg === 'token rejected')
          .map((record) => record.reason),
      ).toEqual(expect.arrayContaining(['signature', 'algorithm', 'expired', 'not_yet_valid', 'audience', 'no_kid', 'claims']));
      const output = logs.lines.join('\n');
      for (const sent of [token, ...tokensSent]) {
        const signature = sent.split('.')[2];
        expect(output).not.toContain(sent);
        if (signature) expect(output).not.toContain(signature);
      }
      expect(output).not.toContain(employee.userId);
    });
  });

  describe('the JWKS from identity', () => {
    it('refetches once for an unknown kid, then refuses it; more unknown kids within 10 s fetch nothing', async () => {
      advance(11);
      const stranger = await SigningKey.generate();
      expect(await fetchesDuring(async () => expectUnauthenticated(await me(await stranger.sign(claims(), { issuedAt: now() }))))).toBe(1);
      const flood = await Promise.all(Array.from({ length: 5 }, () => SigningKey.generate()));
      expect(
        await fetchesDuring(async () => {
          for (const key of flood) expectUnauthenticated(await me(await key.sign(claims(), { issuedAt: now() })));
        }),
      ).toBe(0);
    });

    it('follows a key rotation: old tokens verify while the old key is listed, new kids after one refetch', async () => {
      const oldToken = await identity.tokenFor(employee);
      const old = identity.current;
      await identity.rotate();
      const newToken = await identity.tokenFor(employee);
      expect(await fetchesDuring(async () => expect((await me(oldToken)).status).toBe(200))).toBe(0);
      advance(11);
      expect(await fetchesDuring(async () => expect((await me(newToken)).status).toBe(200))).toBe(1);
      expect((await me(oldToken)).status).toBe(200);
      identity.retire(old);
      expect(await fetchesDuring(async () => expect((await me(await identity.tokenFor(employee))).status).toBe(200))).toBe(0);
    });
  });

  describe('the operator token', () => {
    it('creates a tenant as the platform operator', async () => {
      const answer = await call('POST', '/v1/tenants', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, json: tenant });
      expect(answer.status).toBe(201);
      const created = answer.json<{ tenantId: string }>();
      expect(answer.headers.get('location')).toBe(`/v1/tenants/${created.tenantId}`);
      expect(identity.requests.at(-1)).toMatchObject({ subject: 'identity.cmd.CreateTenant', payload: tenant });
      expect(identity.requests.at(-1)!.ctx).toEqual({ tenantId: PLATFORM_TENANT, roles: ['operator'], correlationId: expect.any(String) });
      expect(logs.lines.join('\n')).not.toContain(OPERATOR_TOKEN);
    });

    it('answers 401 for a wrong operator token and 403 for a tenant user', async () => {
      expectUnauthenticated(await call('POST', '/v1/tenants', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}x` }, json: tenant }));
      const admin = await call('POST', '/v1/tenants', { as: caller(['admin']), json: tenant });
      expect({ status: admin.status, code: admin.json().code }).toEqual({ status: 403, code: 'auth.forbidden' });
    });

    it('is no credential on any other route', async () => {
      expectUnauthenticated(await call('GET', '/v1/users', { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }));
      expectUnauthenticated(await me(OPERATOR_TOKEN));
    });

    it('cannot create tenants on a gateway without one: 401 whatever is sent', async () => {
      const other = httpClient(behindProxy.url, identity.tokenFor);
      for (const options of [{ headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }, { as: caller(['admin']) }]) {
        expectUnauthenticated(await other('POST', '/v1/tenants', { ...options, json: tenant }));
      }
    });
  });

  describe('login throttling per client address', () => {
    const login = { tenantId: randomUUID(), email: 'someone@example.com', password: 'not the password' };

    it('answers 429 auth.rate_limited with Retry-After once an address used its attempts, before reading the body', async () => {
      advance(60);
      const logins = () => identity.requests.filter((request) => request.subject === 'identity.auth.IssueToken').length;
      const before = logins();
      for (let i = 0; i < 3; i += 1) expect((await call('POST', '/v1/auth/token', { json: login })).status).toBe(200);
      const refused = await call('POST', '/v1/auth/token', { json: login });
      expect({ status: refused.status, code: refused.json().code }).toEqual({ status: 429, code: 'auth.rate_limited' });
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await call('POST', '/v1/auth/token', { body: '{broken' })).status).toBe(429);
      expect(logins() - before).toBe(3);
      // A forged X-Forwarded-For is not believed without trustProxy.
      expect((await call('POST', '/v1/auth/token', { json: login, headers: { 'x-forwarded-for': '198.51.100.77' } })).status).toBe(429);
      // Refresh is counted apart; the bucket refills with time.
      expect((await call('POST', '/v1/auth/refresh', { json: { refreshToken: 'r' } })).status).toBe(200);
      advance(Number(refused.headers.get('retry-after')));
      expect((await call('POST', '/v1/auth/token', { json: login })).status).toBe(200);
    });

    it('behind a trusted proxy, limits each forwarded client address and never logs it', async () => {
      advance(60);
      const viaProxy = httpClient(behindProxy.url);
      const from = (address: string) => viaProxy('POST', '/v1/auth/token', { json: login, headers: { 'x-forwarded-for': address } });
      for (let i = 0; i < 3; i += 1) expect((await from('203.0.113.50')).status).toBe(200);
      expect((await from('203.0.113.50')).status).toBe(429);
      expect((await from('203.0.113.51')).status).toBe(200);
      expect(logs.lines.join('\n')).not.toContain('203.0.113.5');
    });
  });
});
