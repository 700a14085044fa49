import type { CallerRole, RequestContext } from '@plass/contracts';
import { HttpProblem } from '../http/problem.js';

export interface AuthRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Becomes the context's correlationId. */
  correlationId: string;
}

/** Who is calling: a context when the credentials hold, undefined when they are missing or invalid. */
export interface Authenticator {
  authenticate(request: AuthRequest): RequestContext | undefined | Promise<RequestContext | undefined>;
}

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

/** 401 without a context, 403 when none of its roles may use the route. */
export function authorize(context: RequestContext | undefined, allowed: readonly CallerRole[]): RequestContext {
  if (!context) throw new HttpProblem('auth.unauthenticated');
  if (!context.roles.some((role) => allowed.includes(role))) throw new HttpProblem('auth.forbidden');
  return context;
}
