import type { CallerRole, RequestContext } from '@plass/contracts';
import { HttpProblem } from '../http/problem.js';

export interface AuthRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Becomes the context's correlationId. */
  correlationId: string;
  /** The roles the route admits: the operator token is only looked at where `operator` is one. */
  roles: readonly CallerRole[];
}

/** Who is calling: a context when the credentials hold; otherwise it throws 401 (or 503 when it cannot tell). */
export interface Authenticator {
  authenticate(request: AuthRequest): Promise<RequestContext>;
}

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

/**
 * 401 as RFC 6750 words it: a bare challenge when no credentials came, `invalid_token` when they did
 * not hold. Nothing says why, which would help whoever forges them.
 */
export function unauthenticated(credentials: 'missing' | 'invalid'): HttpProblem {
  const challenge = credentials === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
  return new HttpProblem('auth.unauthenticated', { headers: { 'www-authenticate': challenge } });
}

/** 403 when none of the caller's roles may use the route. */
export function authorize(context: RequestContext, allowed: readonly CallerRole[]): RequestContext {
  if (!context.roles.some((role) => allowed.includes(role))) throw new HttpProblem('auth.forbidden');
  return context;
}
