import type { DomainEvent } from '@plass/contracts';

export type Tenant = { status: 'none' } | { status: 'active'; id: string; name: string };

export const initialTenant: Tenant = { status: 'none' };

export function evolveTenant(state: Tenant, event: DomainEvent): Tenant {
  switch (event.type) {
    case 'TenantCreated':
      return { status: 'active', id: event.data.tenantId, name: event.data.name };
    default:
      return state;
  }
}

export const tenantStream = (tenantId: string) => `tenant-${tenantId}`;
