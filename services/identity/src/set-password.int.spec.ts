import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scanForPlaintext, waitFor } from '@plass/testing';
import {
  DeactivateSubject,
  DeactivateUser,
  DestroySubjectKeys,
  GetUser,
  IssuePasswordToken,
  PLATFORM_TENANT,
  SetPassword,
  forgetSubject,
  type RequestContext,
} from '@plass/contracts';
import { PASSWORD, createTenant, failure, login, privacyService, query, register, startHarness, type Harness, type TestTenant } from './test-support/harness.js';

const HOUR = 3_600_000;
const NEW_PASSWORD = 'a first password of my own';
const ForgetSubject = forgetSubject('identity');
const erasureId = '5e1f0c9a-7b3d-4e2a-9c8b-1a2b3c4d5e6f';

describe('set-password tokens over NATS', () => {
  let h: Harness;
  let fjord: TestTenant;
  let vattern: TestTenant;
  const tokensSeen: string[] = [];

  /** How the notification service asks: service to service, for a user of its tenant. */
  const service = (tenantId: string): RequestContext => ({ tenantId, roles: [], correlationId: randomUUID() });
  /** How the gateway asks: anonymous, the token names the tenant. */
  const anonymous = (): RequestContext => ({ tenantId: PLATFORM_TENANT, roles: [], correlationId: randomUUID() });

  const issue = async (userId: string, tenantId = fjord.tenantId) => {
    const issued = await h.client.request(IssuePasswordToken, { userId }, service(tenantId));
    tokensSeen.push(issued.token);
    return issued;
  };
  const setPassword = (token: string, password = NEW_PASSWORD, clientAddress?: string) =>
    h.client.request(SetPassword, { token, password, ...(clientAddress === undefined ? {} : { clientAddress }) }, anonymous());
  const refusalOf = (attempt: Promise<unknown>) =>
    attempt.then(
      () => 'accepted',
      (error: { error: unknown }) => error.error,
    );
  const invited = (email: string) => register(h, fjord, { email, displayName: 'Invited' }, 'employee', null);
  const tokenRowsOf = (userId: string) => query(h, 'credentials.db', 'SELECT * FROM password_tokens WHERE user_id = ?', userId);

  beforeAll(async () => {
    h = await startHarness({ loginThrottle: { maxAddressFailures: 3 } });
    fjord = await createTenant(h, 'Fjord', { email: 'admin@fjord.example', displayName: 'Fjord Admin' });
    vattern = await createTenant(h, 'Vattern', { email: 'admin@vattern.example', displayName: 'Vattern Admin' });
  });

  afterAll(async () => {
    await h?.stop();
    h?.dir.remove();
  });

  it('lets an invited user set a first password once, then log in with it', async () => {
    const { id } = await invited('first@fjord.example');
    const issued = await issue(id);
    expect(issued).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: new Date(h.clock.now.getTime() + 72 * HOUR).toISOString() });
    await expect(login(h, fjord.tenantId, 'first@fjord.example', NEW_PASSWORD)).rejects.toMatchObject(failure('auth.invalid_credentials'));

    await expect(setPassword(issued.token)).resolves.toEqual({});
    await expect(login(h, fjord.tenantId, 'first@fjord.example', NEW_PASSWORD)).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(setPassword(issued.token, 'another password, long enough')).rejects.toMatchObject(failure('auth.invalid_token'));
    await expect(login(h, fjord.tenantId, 'first@fjord.example', NEW_PASSWORD)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('answers the same auth.invalid_token for a used, an expired and an unknown token', async () => {
    const used = await issue((await invited('used@fjord.example')).id);
    await setPassword(used.token);
    const { id } = await invited('late@fjord.example');
    const expiring = await issue(id);
    h.clock.advance(72 * HOUR);
    const refusals = [await refusalOf(setPassword(used.token)), await refusalOf(setPassword(expiring.token)), await refusalOf(setPassword('x'.repeat(43)))];
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'auth.invalid_token' });
    expect(new Set(refusals.map((refusal) => JSON.stringify(refusal)))).toHaveProperty('size', 1);
    // A new invitation still works for the user whose link expired.
    await expect(setPassword((await issue(id)).token)).resolves.toEqual({});
  });

  it('keeps a token a weak password was refused with', async () => {
    const { token } = await issue((await invited('weak@fjord.example')).id);
    await expect(setPassword(token, 'short')).rejects.toMatchObject(failure('validation.failed'));
    await expect(setPassword(token)).resolves.toEqual({});
  });

  it('lets one of concurrent redemptions win, and setting the password ends the user’s other tokens', async () => {
    const { id } = await invited('race@fjord.example');
    const first = await issue(id);
    const second = await issue(id);
    const third = await issue(id);
    const outcomes = await Promise.allSettled([...Array.from({ length: 4 }, () => setPassword(first.token)), setPassword(second.token)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject(failure('auth.invalid_token'));
    await expect(setPassword(third.token)).rejects.toMatchObject(failure('auth.invalid_token'));
    expect(tokenRowsOf(id)).toEqual([]);
  });

  it('is refused for a user who has a password, an unknown user and another tenant’s user', async () => {
    const withPassword = await register(h, fjord, { email: 'haspassword@fjord.example', displayName: 'Has Password' });
    await expect(issue(withPassword.id)).rejects.toMatchObject(failure('user.password_already_set'));
    await expect(issue(randomUUID())).rejects.toMatchObject(failure('user.not_found'));
    const { id } = await invited('tenant@fjord.example');
    await expect(issue(id, vattern.tenantId)).rejects.toMatchObject(failure('user.not_found'));
    await expect(issue(fjord.adminId)).rejects.toMatchObject(failure('user.password_already_set'));
  });

  it('is refused for a deactivated user, whose earlier tokens stop working', async () => {
    const byAdmin = await invited('leaver@fjord.example');
    const before = await issue(byAdmin.id);
    await h.client.request(DeactivateUser, { userId: byAdmin.id }, fjord.admin);
    expect(tokenRowsOf(byAdmin.id)).toEqual([]);
    await expect(setPassword(before.token)).rejects.toMatchObject(failure('auth.invalid_token'));
    await expect(issue(byAdmin.id)).rejects.toMatchObject(failure('user.deactivated'));

    const bySaga = await invited('deactivated.subject@fjord.example');
    const pending = await issue(bySaga.id);
    await h.client.request(DeactivateSubject, { erasureId, subjectId: bySaga.id }, privacyService(fjord.tenantId));
    expect(tokenRowsOf(bySaga.id)).toEqual([]);
    await expect(setPassword(pending.token)).rejects.toMatchObject(failure('auth.invalid_token'));
  });

  it('deletes the token rows of an erased user; a token issued before erasure no longer works', async () => {
    const { id } = await invited('erase.me@fjord.example');
    const issued = await issue(id);
    await issue(id);
    expect(tokenRowsOf(id)).toHaveLength(2);
    await h.client.request(DestroySubjectKeys, { subjectId: id }, fjord.admin);
    await waitFor(async () => (await h.client.request(GetUser, { userId: id }, fjord.admin)).redacted.length > 0, {
      what: 'the key cache to drop the destroyed key',
    });
    await h.client.request(ForgetSubject, { erasureId, subjectId: id }, privacyService(fjord.tenantId));
    expect(tokenRowsOf(id)).toEqual([]);
    await expect(setPassword(issued.token)).rejects.toMatchObject(failure('auth.invalid_token'));
  });

  it('counts failed redemptions per client address, like failed logins', async () => {
    const { token } = await issue((await invited('throttled@fjord.example')).id);
    for (let i = 0; i < 3; i++) await expect(setPassword(`guess-${i}`, NEW_PASSWORD, '198.51.100.7')).rejects.toMatchObject(failure('auth.invalid_token'));
    await expect(setPassword(token, NEW_PASSWORD, '198.51.100.7')).rejects.toMatchObject({
      error: expect.objectContaining({ code: 'auth.rate_limited', details: { retryAfterSeconds: 900 } }),
    });
    await expect(setPassword(token, NEW_PASSWORD, '203.0.113.9')).resolves.toEqual({});
  });

  it('stores tokens only as SHA-256 hashes: no token or password in clear in any file', async () => {
    await issue((await invited('outstanding@fjord.example')).id);
    const hashes = query<{ token_hash: string }>(h, 'credentials.db', 'SELECT token_hash FROM password_tokens').map((row) => row.token_hash);
    const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64url');
    expect(hashes.length).toBeGreaterThan(0);
    for (const hash of hashes) expect(tokensSeen.map(sha256)).toContain(hash);
    await h.stop();
    expect(scanForPlaintext(h.dir.path, [...tokensSeen, NEW_PASSWORD, PASSWORD, 'scrypt$'])).toEqual([]);
  });
});
