import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { HttpProblem } from '../http/problem.js';
import { authorize } from './authenticator.js';
import { DevHeaderAuthenticator } from './dev-header-authenticator.js';

const authenticator = new DevHeaderAuthenticator();
const correlationId = randomUUID();
const tenant = randomUUID();
const user = randomUUID();
const authenticate = (headers: Record<string, string | string[] | undefined>) => authenticator.authenticate({ headers, correlationId });

describe('DevHeaderAuthenticator', () => {
  it('reads tenant, user and roles into a request context', () => {
    expect(authenticate({ 'x-plass-tenant': tenant, 'x-plass-user': user, 'x-plass-roles': ' admin, employee,admin ' })).toEqual({
      tenantId: tenant,
      actorId: user,
      roles: ['admin', 'employee'],
      correlationId,
    });
  });

  it('accepts an empty role list (the route then answers 403)', () => {
    expect(authenticate({ 'x-plass-tenant': tenant, 'x-plass-user': user, 'x-plass-roles': '' })?.roles).toEqual([]);
  });

  it.each([
    ['missing tenant', { 'x-plass-user': user, 'x-plass-roles': 'admin' }],
    ['missing user', { 'x-plass-tenant': tenant, 'x-plass-roles': 'admin' }],
    ['missing roles', { 'x-plass-tenant': tenant, 'x-plass-user': user }],
    ['tenant not a uuid', { 'x-plass-tenant': 'acme', 'x-plass-user': user, 'x-plass-roles': 'admin' }],
    ['user not a uuid', { 'x-plass-tenant': tenant, 'x-plass-user': `${user}x`, 'x-plass-roles': 'admin' }],
    ['unknown role', { 'x-plass-tenant': tenant, 'x-plass-user': user, 'x-plass-roles': 'admin,superuser' }],
    ['repeated tenant header', { 'x-plass-tenant': [tenant, randomUUID()], 'x-plass-user': user, 'x-plass-roles': 'admin' }],
  ])('rejects %s', (_case, headers) => {
    expect(authenticate(headers)).toBeUndefined();
  });
});

describe('authorize', () => {
  const context = { tenantId: tenant, actorId: user, roles: ['employee' as const], correlationId };

  it('passes a caller holding one of the roles', () => {
    expect(authorize(context, ['admin', 'employee'])).toBe(context);
  });

  it('answers 401 without a caller and 403 without a fitting role', () => {
    expect(() => authorize(undefined, ['employee'])).toThrow(new HttpProblem('auth.unauthenticated'));
    expect(() => authorize(context, ['admin'])).toThrow(new HttpProblem('auth.forbidden'));
  });
});
