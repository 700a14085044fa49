import { RequestContext, Role, Uuid } from '@plass/contracts';
import type { AuthRequest, Authenticator } from './authenticator.js';

export const DevHeaders = {
  tenant: 'x-plass-tenant',
  user: 'x-plass-user',
  roles: 'x-plass-roles',
} as const;

const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Development stand-in until JWTs: trusts `X-Plass-Tenant`, `X-Plass-User` (uuids) and
 * `X-Plass-Roles` (comma list). An unknown role makes the whole credential invalid.
 */
export class DevHeaderAuthenticator implements Authenticator {
  authenticate({ headers, correlationId }: AuthRequest): RequestContext | undefined {
    const tenantId = Uuid.safeParse(single(headers[DevHeaders.tenant]));
    const actorId = Uuid.safeParse(single(headers[DevHeaders.user]));
    const rolesHeader = single(headers[DevHeaders.roles]);
    if (!tenantId.success || !actorId.success || rolesHeader === undefined) return undefined;
    const names = rolesHeader.split(',').map((role) => role.trim()).filter(Boolean);
    const roles = Role.array().safeParse([...new Set(names)]);
    if (!roles.success) return undefined;
    const context = RequestContext.safeParse({ tenantId: tenantId.data, actorId: actorId.data, roles: roles.data, correlationId });
    return context.success ? context.data : undefined;
  }
}
