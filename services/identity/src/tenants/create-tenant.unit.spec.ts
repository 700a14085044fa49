import { deciderSpec } from '@plass/testing';
import type { DomainEvent } from '@plass/contracts';
import { decideCreateTenant, type CreateTenant } from './create-tenant.js';
import { evolveTenant, initialTenant, type Tenant } from './tenant.js';

const spec = deciderSpec<CreateTenant, DomainEvent, Tenant, { code: string }>({
  initialState: initialTenant,
  evolve: evolveTenant,
  decide: decideCreateTenant,
});

const tenantId = '3d0f4a8e-2b1c-4d5e-9f60-718293a4b5c6';
const admin = {
  userId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  email: 'kari@example.com',
  displayName: 'Kari Nordmann',
  locale: 'nb' as const,
  passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
};
const data = { tenantId, name: 'Fjordkraft', admin };
const operator = { roles: ['operator' as const] };

describe('CreateTenant', () => {
  it('creates the tenant with its first admin', () => {
    spec
      .given([])
      .when({ type: 'CreateTenant', data, actor: operator })
      .then([
        { type: 'TenantCreated', data: { tenantId, name: 'Fjordkraft' } },
        { type: 'UserRegistered', data: { ...admin, role: 'admin' } },
      ]);
  });

  it.each([[['admin']], [['employee', 'privacy_officer']], [[]]] as const)('refuses callers with roles %j', (roles) => {
    spec.given([]).when({ type: 'CreateTenant', data, actor: { roles } }).thenFails({ code: 'auth.forbidden' });
  });

  it('refuses to create the same tenant twice', () => {
    spec
      .given([{ type: 'TenantCreated', data: { tenantId, name: 'Fjordkraft' } }])
      .when({ type: 'CreateTenant', data, actor: operator })
      .thenFails({ code: 'concurrency.conflict' });
  });
});
