import { DomainFailure, LookupSubject, domainError, type RequestContext } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { isOfficer, mayActFor } from './domain/access.js';

/** Defense in depth: the gateway checks roles too, the service does not trust that it did. */
export function requireRole(ctx: RequestContext, roles: readonly string[], what: string): void {
  if (!ctx.roles.some((role) => roles.includes(role))) throw new DomainFailure(domainError('auth.forbidden', `only ${what} may do this`));
}

export const requireOfficer = (ctx: RequestContext) => {
  if (!isOfficer(ctx)) throw new DomainFailure(domainError('auth.forbidden', 'only privacy officers and admins may do this'));
};

export function requireActor(ctx: RequestContext): string {
  if (!ctx.actorId) throw new DomainFailure(domainError('auth.unauthenticated', 'this needs an authenticated user'));
  return ctx.actorId;
}

/** An employee names only themself; officers and admins anyone of their tenant. */
export function requireMayActFor(ctx: RequestContext, subjectId: string): void {
  requireActor(ctx);
  if (!mayActFor(ctx, subjectId)) throw new DomainFailure(domainError('auth.forbidden', 'you may only make this request for yourself'));
}

/** The subject must be a user of the caller's tenant (identity knows). */
export async function requireSubject(bus: Pick<Bus, 'request'>, ctx: RequestContext, subjectId: string): Promise<void> {
  const { exists } = await bus.request(LookupSubject, { subjectId }, ctx);
  if (!exists) throw new DomainFailure(domainError('user.not_found', 'no such user in this tenant'));
}

export const requestNotFound = () => new DomainFailure(domainError('privacy.request_not_found', 'no such privacy request'));

export const subjectErased = () => new DomainFailure(domainError('privacy.subject_erased', 'the data subject has been erased'));
