import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scanForPlaintext } from '@plass/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DeactivateUser, GetJwks, IssueToken, RefreshToken, RotateSigningKey } from '@plass/contracts';
import { PASSWORD, createTenant, failure, operator, register, startHarness, type Harness, type TestTenant } from './test-support/harness.js';

const TTL_SECONDS = 900;
const MINUTE = 60_000;

describe('tokens over NATS', () => {
  let h: Harness;
  let fjord: TestTenant;
  let vattern: TestTenant;

  const login = (tenantId: string, email: string, password = PASSWORD) => h.client.request(IssueToken, { tenantId, email, password }, operator());
  const verify = async (token: string) => {
    const jwks = createLocalJWKSet(await h.client.request(GetJwks, {}, operator()));
    return jwtVerify(token, jwks, { issuer: 'plass', audience: 'plass-api', algorithms: ['EdDSA'], currentDate: h.clock.now });
  };

  beforeAll(async () => {
    h = await startHarness({ accessTokenTtlSeconds: TTL_SECONDS });
    fjord = await createTenant(h, 'Fjord', { email: 'admin@fjord.example', displayName: 'Fjord Admin' });
    vattern = await createTenant(h, 'Vattern', { email: 'admin@vattern.example', displayName: 'Vattern Admin' });
  });

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  describe('login', () => {
    it('issues an EdDSA access token for the user, whatever the case of the e-mail', async () => {
      const { id } = await register(h, fjord, { email: 'Ingrid@fjord.example', displayName: 'Ingrid' }, 'analyst');
      const tokens = await login(fjord.tenantId, '  ingrid@FJORD.example ');
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: TTL_SECONDS, refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      const { payload, protectedHeader } = await verify(tokens.accessToken);
      expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
      const issuedAt = Math.floor(h.clock.now.getTime() / 1000);
      expect(payload).toEqual({
        iss: 'plass',
        aud: 'plass-api',
        sub: id,
        tid: fjord.tenantId,
        roles: ['analyst'],
        iat: issuedAt,
        exp: issuedAt + TTL_SECONDS,
        jti: expect.any(String),
      });
    });

    it('answers auth.invalid_credentials, the same way, for every kind of failure', async () => {
      const deactivated = await register(h, fjord, { email: 'gone@fjord.example', displayName: 'Gone' });
      await h.client.request(DeactivateUser, { userId: deactivated.id }, fjord.admin);
      await register(h, fjord, { email: 'nopassword@fjord.example', displayName: 'No Password' }, 'employee', null);
      const failures = await Promise.allSettled([
        login(fjord.tenantId, 'admin@fjord.example', 'wrong password, long enough'),
        login(fjord.tenantId, 'nobody@fjord.example'),
        login(fjord.tenantId, 'gone@fjord.example'),
        login(fjord.tenantId, 'nopassword@fjord.example'),
        login(vattern.tenantId, 'admin@fjord.example'),
        login('0d5c2f3e-8b7a-4c1d-9e6f-5a4b3c2d1e0f', 'admin@fjord.example'),
      ]);
      const reasons = failures.map((attempt) => (attempt.status === 'rejected' ? attempt.reason : attempt.value) as { error?: unknown });
      for (const reason of reasons) expect(reason).toMatchObject(failure('auth.invalid_credentials'));
      expect(new Set(reasons.map((reason) => JSON.stringify(reason.error)))).toHaveProperty('size', 1);
    });

    it('takes as long for an unknown e-mail as for a wrong password (a dummy hash is verified)', async () => {
      const timed = async (email: string) => {
        const started = process.hrtime.bigint();
        await login(fjord.tenantId, email, 'wrong password, long enough').catch(() => undefined);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      await register(h, fjord, { email: 'timing.known@fjord.example', displayName: 'Timing' });
      const knownMs = Math.min(await timed('timing.known@fjord.example'), await timed('timing.known@fjord.example'));
      const unknownMs = Math.min(await timed('timing.unknown1@fjord.example'), await timed('timing.unknown2@fjord.example'));
      // Without the dummy hash an unknown e-mail answers in well under a millisecond or two.
      expect(unknownMs).toBeGreaterThan(knownMs / 3);
    });
  });

  describe('failed logins per account', () => {
    it('are limited to 5 per 15 minutes, even with the right password, across a restart', async () => {
      await register(h, fjord, { email: 'limited@fjord.example', displayName: 'Limited' });
      for (let i = 0; i < 5; i++) {
        await expect(login(fjord.tenantId, 'limited@fjord.example', `wrong password ${i}...`)).rejects.toMatchObject(failure('auth.invalid_credentials'));
      }
      await expect(login(fjord.tenantId, 'LIMITED@fjord.example')).rejects.toMatchObject({
        error: expect.objectContaining({ code: 'auth.rate_limited', details: { retryAfterSeconds: 900 } }),
      });
      // Counting unknown addresses too means the limit does not reveal which ones exist.
      for (let i = 0; i < 5; i++) await login(fjord.tenantId, 'ghost@fjord.example').catch(() => undefined);
      await expect(login(fjord.tenantId, 'ghost@fjord.example')).rejects.toMatchObject(failure('auth.rate_limited'));

      await h.restartIdentity();
      h.clock.advance(10 * MINUTE);
      await expect(login(fjord.tenantId, 'limited@fjord.example')).rejects.toMatchObject({
        error: expect.objectContaining({ code: 'auth.rate_limited', details: { retryAfterSeconds: 300 } }),
      });
      h.clock.advance(5 * MINUTE);
      await expect(login(fjord.tenantId, 'limited@fjord.example')).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('are forgiven by a successful login', async () => {
      await register(h, fjord, { email: 'forgiven@fjord.example', displayName: 'Forgiven' });
      for (let i = 0; i < 4; i++) await login(fjord.tenantId, 'forgiven@fjord.example', 'wrong password, long enough').catch(() => undefined);
      await login(fjord.tenantId, 'forgiven@fjord.example');
      for (let i = 0; i < 4; i++) await login(fjord.tenantId, 'forgiven@fjord.example', 'wrong password, long enough').catch(() => undefined);
      await expect(login(fjord.tenantId, 'forgiven@fjord.example')).resolves.toMatchObject({ tokenType: 'Bearer' });
    });
  });

  const refreshTokensSeen: string[] = [];

  describe('refresh tokens', () => {
    it('are used once: each refresh rotates, and a reused one revokes its whole family', async () => {
      await register(h, fjord, { email: 'refresh@fjord.example', displayName: 'Refresh' });
      const first = await login(fjord.tenantId, 'refresh@fjord.example');
      const second = await h.client.request(RefreshToken, { refreshToken: first.refreshToken }, operator());
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await verify(second.accessToken);
      const third = await h.client.request(RefreshToken, { refreshToken: second.refreshToken }, operator());
      refreshTokensSeen.push(first.refreshToken, second.refreshToken, third.refreshToken);

      await expect(h.client.request(RefreshToken, { refreshToken: first.refreshToken }, operator())).rejects.toMatchObject(failure('auth.invalid_credentials'));
      await expect(h.client.request(RefreshToken, { refreshToken: third.refreshToken }, operator())).rejects.toMatchObject(failure('auth.invalid_credentials'));
      // Another login starts another family.
      const other = await login(fjord.tenantId, 'refresh@fjord.example');
      await expect(h.client.request(RefreshToken, { refreshToken: other.refreshToken }, operator())).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('are refused for a deactivated user, and when unknown', async () => {
      const { id } = await register(h, fjord, { email: 'leaver@fjord.example', displayName: 'Leaver' });
      const tokens = await login(fjord.tenantId, 'leaver@fjord.example');
      await h.client.request(DeactivateUser, { userId: id }, fjord.admin);
      await expect(h.client.request(RefreshToken, { refreshToken: tokens.refreshToken }, operator())).rejects.toMatchObject(failure('auth.invalid_credentials'));
      await expect(h.client.request(RefreshToken, { refreshToken: 'x'.repeat(43) }, operator())).rejects.toMatchObject(failure('auth.invalid_credentials'));
    });

    it('expire after 30 days', async () => {
      await register(h, fjord, { email: 'expiring@fjord.example', displayName: 'Expiring' });
      const tokens = await login(fjord.tenantId, 'expiring@fjord.example');
      h.clock.advance(30 * 24 * 60 * MINUTE);
      await expect(h.client.request(RefreshToken, { refreshToken: tokens.refreshToken }, operator())).rejects.toMatchObject(failure('auth.invalid_credentials'));
    });
  });

  describe('signing keys', () => {
    it('rotate on the operator’s word; tokens signed before verify with the new JWKS until they expire', async () => {
      await register(h, fjord, { email: 'rotation@fjord.example', displayName: 'Rotation' });
      const before = (await login(fjord.tenantId, 'rotation@fjord.example')).accessToken;
      await expect(h.client.request(RotateSigningKey, {}, fjord.admin)).rejects.toMatchObject(failure('auth.forbidden'));
      const published = (await h.client.request(GetJwks, {}, operator())).keys.map((key) => key.kid);
      const { kid } = await h.client.request(RotateSigningKey, {}, operator());
      // Verifiers that cached the key set before the rotation already know the new key.
      expect(published).toContain(kid);
      const after = (await login(fjord.tenantId, 'rotation@fjord.example')).accessToken;
      expect(decodeProtectedHeader(after).kid).toBe(kid);
      expect(decodeProtectedHeader(before).kid).not.toBe(kid);

      const jwks = await h.client.request(GetJwks, {}, operator());
      expect(jwks.keys[0]!.kid).toBe(kid);
      expect(jwks.keys.map((key) => key.kid)).toContain(decodeProtectedHeader(before).kid);
      await expect(verify(before)).resolves.toBeDefined();
      await expect(verify(after)).resolves.toBeDefined();

      h.clock.advance(TTL_SECONDS * 1000 - 1000);
      await expect(verify(before)).resolves.toBeDefined();
      // Past the old key's last expiry plus 5 minutes of clock skew, it is no longer published.
      h.clock.advance(1000 + 5 * MINUTE);
      const later = (await h.client.request(GetJwks, {}, operator())).keys.map((key) => key.kid);
      expect(later).toHaveLength(2);
      expect(later[0]).toBe(kid);
      expect(later).not.toContain(decodeProtectedHeader(before).kid);
      await expect(verify(before)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    });

    it('rotate by themselves once the current key is a day old', async () => {
      await register(h, fjord, { email: 'daily@fjord.example', displayName: 'Daily' });
      const { kid } = await h.client.request(RotateSigningKey, {}, operator());
      h.clock.advance(23 * 60 * MINUTE);
      expect(decodeProtectedHeader((await login(fjord.tenantId, 'daily@fjord.example')).accessToken).kid).toBe(kid);
      h.clock.advance(60 * MINUTE);
      const next = decodeProtectedHeader((await login(fjord.tenantId, 'daily@fjord.example')).accessToken).kid;
      expect(next).not.toBe(kid);
      const keys = (await h.client.request(GetJwks, {}, operator())).keys.map((key) => key.kid);
      expect(keys).toHaveLength(3);
      expect(keys[0]).toBe(next);
      expect(keys[2]).toBe(kid);
    });
  });

  it('keeps refresh tokens only as hashes, and no password or e-mail in clear', async () => {
    await h.stop();
    const needles = [...refreshTokensSeen, PASSWORD, 'admin@fjord.example', 'Ingrid@fjord.example', 'ingrid@fjord.example', 'Fjord Admin', 'scrypt$'];
    expect(scanForPlaintext(h.dir.path, needles)).toEqual([]);
  });
});
