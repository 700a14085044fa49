import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { PLATFORM_TENANT, type CallerRole, type RequestContext } from '@plass/contracts';
import { HttpProblem } from '../http/problem.js';
import { unauthenticated } from './authenticator.js';
import { BearerAuthenticator } from './bearer-authenticator.js';
import { OperatorToken } from './operator-token.js';

const OPERATOR_SECRET = 'operator-secret-that-is-long-enough-0123456789';
const correlationId = randomUUID();
const user: RequestContext = { tenantId: randomUUID(), actorId: randomUUID(), roles: ['admin'], correlationId };
/** Accepts exactly the token 'user.jwt', as the JWT authenticator would a valid one. */
const jwt = {
  verified: [] as string[],
  async verify(token: string) {
    this.verified.push(token);
    if (token === 'user.jwt') return user;
    throw unauthenticated('invalid');
  },
};

const authenticate = (authenticator: BearerAuthenticator, roles: CallerRole[], authorization?: string) =>
  authenticator.authenticate({ headers: authorization === undefined ? {} : { authorization }, correlationId, roles });

describe('OperatorToken', () => {
  it('matches only the exact token', () => {
    const token = new OperatorToken(OPERATOR_SECRET);
    expect(token.matches(OPERATOR_SECRET)).toBe(true);
    for (const other of ['', OPERATOR_SECRET.slice(0, -1), `${OPERATOR_SECRET}x`, OPERATOR_SECRET.toUpperCase()]) {
      expect(token.matches(other)).toBe(false);
    }
  });

  it('refuses a short token at start-up', () => {
    expect(() => new OperatorToken('short')).toThrow(/at least 32/);
  });
});

describe('BearerAuthenticator', () => {
  const withOperator = new BearerAuthenticator(jwt, new OperatorToken(OPERATOR_SECRET));
  const withoutOperator = new BearerAuthenticator(jwt, undefined);

  it('makes the operator token the platform operator on operator routes', async () => {
    await expect(authenticate(withOperator, ['operator'], `Bearer ${OPERATOR_SECRET}`)).resolves.toEqual({
      tenantId: PLATFORM_TENANT,
      roles: ['operator'],
      correlationId,
    });
  });

  it('verifies anything else as a JWT, so a user reaches authorization (403) and a wrong token is 401', async () => {
    await expect(authenticate(withOperator, ['operator'], 'Bearer user.jwt')).resolves.toBe(user);
    await expect(authenticate(withOperator, ['operator'], 'Bearer wrong-operator-token')).rejects.toThrow(HttpProblem);
  });

  it('never accepts the operator token on other routes', async () => {
    jwt.verified.length = 0;
    await expect(authenticate(withOperator, ['admin', 'employee'], `Bearer ${OPERATOR_SECRET}`)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    expect(jwt.verified).toEqual([OPERATOR_SECRET]);
  });

  it('answers 401 on operator-only routes when no operator token is configured, whatever is sent', async () => {
    for (const token of [OPERATOR_SECRET, 'user.jwt']) {
      await expect(authenticate(withoutOperator, ['operator'], `Bearer ${token}`)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    }
  });

  it('challenges a missing header with a bare Bearer, a malformed one with invalid_token', async () => {
    await expect(authenticate(withOperator, ['admin'])).rejects.toMatchObject({ extras: { headers: { 'www-authenticate': 'Bearer' } } });
    await expect(authenticate(withOperator, ['admin'], 'Basic abc')).rejects.toMatchObject({
      extras: { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    });
  });
});
