import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { HttpProblem } from '../http/problem.js';
import { authorize, unauthenticated } from './authenticator.js';

describe('authorize', () => {
  const context = { tenantId: randomUUID(), actorId: randomUUID(), roles: ['employee' as const], correlationId: randomUUID() };

  it('passes a caller holding one of the roles', () => {
    expect(authorize(context, ['admin', 'employee'])).toBe(context);
  });

  it('answers 403 without a fitting role', () => {
    expect(() => authorize(context, ['admin'])).toThrow(new HttpProblem('auth.forbidden'));
    expect(() => authorize({ ...context, roles: [] }, ['employee'])).toThrow(new HttpProblem('auth.forbidden'));
  });
});

describe('unauthenticated', () => {
  it('challenges with Bearer, naming invalid_token only when a token was sent', () => {
    expect(unauthenticated('missing').extras.headers).toEqual({ 'www-authenticate': 'Bearer' });
    expect(unauthenticated('invalid').extras.headers).toEqual({ 'www-authenticate': 'Bearer error="invalid_token"' });
    expect(unauthenticated('invalid').code).toBe('auth.unauthenticated');
    expect(unauthenticated('invalid').extras.detail).toBeUndefined();
  });
});
