import { domainError, type CallerRole, type DomainError, type RequestContext } from '@plass/contracts';

/** Who asks, as the deciders see it: the service refuses what the gateway should already have refused. */
export interface Actor {
  id?: string;
  roles: readonly CallerRole[];
}

export const actorOf = (ctx: RequestContext): Actor => (ctx.actorId ? { id: ctx.actorId, roles: ctx.roles } : { roles: ctx.roles });

export const mayAct = (actor: Actor, role: CallerRole): boolean => actor.roles.includes(role);

export const forbidden = (what: string): DomainError => domainError('auth.forbidden', `only ${what} may do this`);
