import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, SignJWT, importPKCS8 } from 'jose';
import { Bus } from '@plass/bus';
import { PLATFORM_TENANT, RotateSigningKey } from '@plass/contracts';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

const ingrid = { email: 'Ingrid.Hansen@nordlys.example', displayName: 'Ingrid Hansen', role: 'employee' };
const ola = { email: 'ola.berg@nordlys.example', displayName: 'Ola Berg', role: 'analyst' };
const sven = { email: 'sven.lund@vattern.example', displayName: 'Sven Lund', role: 'employee' };

type Tenant = Awaited<ReturnType<ReturnType<typeof gatewayClient>['tenantWith']>>;

describe('identity and access through the gateway', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let nordlys: Tenant;
  let vattern: Tenant;

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    nordlys = await client.tenantWith(system.operatorToken, 'Nordlys', [ingrid, ola]);
    vattern = await client.tenantWith(system.operatorToken, 'Vattern', [sven]);
  });

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  const employeeToken = () => nordlys.users[ingrid.email]!.token;
  const tenantBody = { name: 'Sneaky', admin: { email: 'x@sneaky.example', displayName: 'X', password: 'long enough password' } };

  describe('tenants', () => {
    it('are created by the platform operator only', async () => {
      expect((await client.call('POST', '/v1/tenants', { body: tenantBody })).status).toBe(401);
      expect((await client.call('POST', '/v1/tenants', { token: 'not-the-operator-token', body: tenantBody })).status).toBe(401);
      expect((await client.call('POST', '/v1/tenants', { token: nordlys.adminToken, body: tenantBody })).status).toBe(403);
      const created = await client.call('POST', '/v1/tenants', { token: system.operatorToken, body: tenantBody });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/tenants/${created.body.tenantId as string}`);
    });
  });

  describe('login', () => {
    it('issues an EdDSA access token carrying tenant, subject and role', async () => {
      const tokens = await client.login(nordlys.tenantId, ingrid.email, nordlys.password);
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number), refreshToken: expect.any(String) });
      expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
      expect(decodeJwt(tokens.accessToken)).toMatchObject({ sub: nordlys.users[ingrid.email]!.id, tid: nordlys.tenantId, roles: ['employee'] });
    });

    it('finds the user whatever the case of the e-mail', async () => {
      await expect(client.login(nordlys.tenantId, ingrid.email.toUpperCase(), nordlys.password)).resolves.toBeDefined();
    });

    it('answers the same for a wrong password, an unknown e-mail and another tenant', async () => {
      const attempts = [
        { tenantId: nordlys.tenantId, email: ingrid.email, password: 'wrong password here' },
        { tenantId: nordlys.tenantId, email: 'nobody@nordlys.example', password: nordlys.password },
        { tenantId: vattern.tenantId, email: ingrid.email, password: nordlys.password },
      ];
      const answers = await Promise.all(attempts.map((body) => client.call('POST', '/v1/auth/token', { body })));
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ code: 'auth.invalid_credentials' });
      }
      expect(new Set(answers.map((answer) => answer.body.detail))).toHaveProperty('size', 1);
    });

    it('exchanges a refresh token once', async () => {
      const { refreshToken } = await client.login(nordlys.tenantId, ola.email, nordlys.password);
      const refreshed = await client.call('POST', '/v1/auth/refresh', { body: { refreshToken } });
      expect(refreshed.status).toBe(200);
      expect((await client.call('POST', '/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    });
  });

  describe('roles', () => {
    it('answers 403 when the role may not use the route', async () => {
      const user = { email: 'new@nordlys.example', displayName: 'New', role: 'employee', password: 'long enough password' };
      expect((await client.call('POST', '/v1/users', { token: employeeToken(), body: user })).status).toBe(403);
      expect((await client.call('POST', '/v1/locations', { token: employeeToken(), body: { name: 'HQ', timezone: OSLO, bookableWeekdays: [1] } })).status).toBe(403);
      expect((await client.call('GET', '/v1/users', { token: nordlys.users[ola.email]!.token })).status).toBe(403);
    });

    it('lets an admin change a role, refuses a taken e-mail and an unknown role', async () => {
      const olaId = nordlys.users[ola.email]!.id;
      const changed = await client.call('PATCH', `/v1/users/${olaId}`, { token: nordlys.adminToken, body: { role: 'privacy_officer' } });
      expect(changed).toMatchObject({ status: 200, body: { id: olaId, role: 'privacy_officer', email: ola.email, displayName: ola.displayName } });
      const taken = await client.call('POST', '/v1/users', { token: nordlys.adminToken, body: { ...ingrid, email: ingrid.email.toLowerCase(), password: nordlys.password } });
      expect(taken).toMatchObject({ status: 409, body: { code: 'user.email_taken' } });
      const unknownRole = await client.call('POST', '/v1/users', { token: nordlys.adminToken, body: { ...ingrid, email: 'other@nordlys.example', role: 'superuser' } });
      expect(unknownRole).toMatchObject({ status: 400, body: { code: 'validation.failed' } });
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 for another tenant’s users and bookings', async () => {
      const svenId = vattern.users[sven.email]!.id;
      expect((await client.call('GET', `/v1/users/${svenId}`, { token: nordlys.adminToken })).status).toBe(404);
      expect((await client.call('PATCH', `/v1/users/${svenId}`, { token: nordlys.adminToken, body: { role: 'admin' } })).status).toBe(404);

      const {
        spaces: [space],
      } = await client.locationWithSpaces(vattern.adminToken, [{ name: 'Desk 1', kind: 'desk' }]);
      const slot = { spaceId: space!.id, start: wallClock(OSLO, system.bookingNow(), 1, '08:00'), end: wallClock(OSLO, system.bookingNow(), 1, '12:00') };
      const booking = await client.call('POST', '/v1/bookings', { token: vattern.users[sven.email]!.token, body: slot });
      expect(booking.status).toBe(201);
      await waitFor(async () => (await client.call('GET', `/v1/bookings/${booking.body.id as string}`, { token: vattern.adminToken })).status === 200, {
        what: 'the booking read model',
      });
      expect((await client.call('GET', `/v1/bookings/${booking.body.id as string}`, { token: nordlys.adminToken })).status).toBe(404);
      expect((await client.call('GET', `/v1/spaces/${space!.id}`, { token: nordlys.adminToken })).status).toBe(404);
      const nordlysSpace = await client.call('POST', '/v1/bookings', { token: employeeToken(), body: slot });
      expect(nordlysSpace).toMatchObject({ status: 404, body: { code: 'space.not_found' } });
    });
  });

  describe('tokens the gateway refuses', () => {
    const refused = async (token: string) => {
      const answer = await client.call('GET', '/v1/me', { token });
      expect(answer).toMatchObject({ status: 401, body: { code: 'auth.unauthenticated' } });
    };

    /** Moves the gateway's clock past the token's expiry (and back), so nothing sleeps. */
    const refusedOnceExpired = async (token: string) => {
      const pastExpiry = decodeJwt(token).exp! * 1000 - Date.now() + 60_000;
      system.advanceGatewayClock(pastExpiry);
      try {
        await refused(token);
      } finally {
        system.advanceGatewayClock(-pastExpiry);
      }
    };

    it('accepts a valid token', async () => {
      expect(await client.call('GET', '/v1/me', { token: employeeToken() })).toMatchObject({ status: 200, body: { email: ingrid.email, displayName: ingrid.displayName } });
    });

    it('refuses a tampered token', async () => {
      const [header, payload, signature] = employeeToken().split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
      await refused(`${header}.${forged}.${signature}`);
    });

    it('refuses a token signed with another key under a known kid', async () => {
      const { kid } = decodeProtectedHeader(employeeToken());
      const { privateKey } = generateKeyPairSync('ed25519');
      const key = await importPKCS8(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'EdDSA');
      const claims = decodeJwt(employeeToken());
      await refused(await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: kid! }).sign(key));
    });

    it('refuses an unsigned (alg: none) token', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify(decodeJwt(employeeToken()))).toString('base64url');
      await refused(`${header}.${payload}.`);
    });

    it('refuses an expired token', async () => {
      const token = (await client.login(nordlys.tenantId, ingrid.email, nordlys.password)).accessToken;
      expect((await client.call('GET', '/v1/me', { token })).status).toBe(200);
      await refusedOnceExpired(token);
    });

    it('keeps tokens signed before a JWKS rotation valid until they expire', async () => {
      const before = (await client.login(nordlys.tenantId, ingrid.email, nordlys.password)).accessToken;
      const bus = await Bus.connect({ servers: system.natsUrl, name: 'e2e-operator' });
      const { kid } = await bus.request(RotateSigningKey, {}, { tenantId: PLATFORM_TENANT, roles: ['operator'], correlationId: randomUUID() });
      await bus.close();
      const after = (await client.login(nordlys.tenantId, ingrid.email, nordlys.password)).accessToken;
      expect(decodeProtectedHeader(after).kid).toBe(kid);
      expect(decodeProtectedHeader(before).kid).not.toBe(kid);

      expect((await client.call('GET', '/v1/me', { token: after })).status).toBe(200);
      expect((await client.call('GET', '/v1/me', { token: before })).status).toBe(200);
      const jwks = await client.call('GET', '/.well-known/jwks.json');
      expect((jwks.body.keys as Array<{ kid: string }>).map((key) => key.kid)).toEqual(expect.arrayContaining([kid, decodeProtectedHeader(before).kid]));

      await refusedOnceExpired(before);
    });
  });

  describe('own profile', () => {
    it('lets a user change their display name and booking-visibility preference', async () => {
      const token = nordlys.users[ola.email]!.token;
      const updated = await client.call('PATCH', '/v1/me', { token, body: { displayName: 'Ola B.', bookingVisibility: 'hidden' } });
      expect(updated).toMatchObject({ status: 200, body: { displayName: 'Ola B.', bookingVisibility: 'hidden' } });
      expect((await client.call('PATCH', '/v1/me', { token, body: { role: 'admin' } })).status).toBe(400);
    });
  });

  it('leaves no plaintext e-mail, name or password in any store, JetStream file or log', async () => {
    await system.stop();
    const needles = [ingrid, ola, sven].flatMap((person) => [person.email, person.email.toLowerCase(), person.displayName]);
    expect(scanForPlaintext(system.dataDir, [...needles, 'Ola B.', nordlys.password])).toEqual([]);
  });
});
