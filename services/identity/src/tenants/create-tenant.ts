import { OPERATOR, accept, domainError, reject, type Decision, type Locale } from '@plass/contracts';
import { forbidden, mayAct, type Actor } from '../actor.js';
import type { Tenant } from './tenant.js';

export interface CreateTenant {
  type: 'CreateTenant';
  data: {
    tenantId: string;
    name: string;
    admin: { userId: string; email: string; displayName: string; locale: Locale; passwordHash: string };
  };
  actor: Actor;
}

/** Tenants are the platform operator's to create. */
export const mayCreateTenant = (actor: Actor): boolean => mayAct(actor, OPERATOR);

/**
 * A tenant starts with its first admin, so someone can manage it. The admin's registration
 * belongs to the user's own stream: the caller appends each event to the stream it names.
 */
export function decideCreateTenant(command: CreateTenant, state: Tenant): Decision {
  if (!mayCreateTenant(command.actor)) return reject(forbidden('the platform operator'));
  if (state.status !== 'none') return reject(domainError('concurrency.conflict', 'the tenant already exists'));
  const { tenantId, name, admin } = command.data;
  return accept({ type: 'TenantCreated', data: { tenantId, name } }, { type: 'UserRegistered', data: { ...admin, role: 'admin' } });
}
