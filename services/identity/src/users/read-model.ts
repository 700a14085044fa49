import type { EncryptedValue, EventEnvelope, Locale, Role } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';

/** A user as the read model keeps it: personal fields still sealed, decrypted at query time. */
export interface UserDocument {
  id: string;
  tenantId: string;
  streamId: string;
  role: Role;
  status: 'active' | 'deactivated';
  locale: Locale;
  bookingVisibility?: 'visible' | 'hidden';
  email: EncryptedValue;
  displayName: EncryptedValue;
  createdAt: string;
}

export interface TenantDocument {
  id: string;
  name: string;
  createdAt: string;
}

export const USERS = 'users';
export const TENANTS = 'tenants';

type StoredEvent = Pick<EventEnvelope, 'type' | 'data' | 'tenantId' | 'streamId' | 'occurredAt'>;

/** One event's effect on a stored user; also folds a stream into the document a command answers with. */
export function applyUserEvent(doc: UserDocument | undefined, event: StoredEvent): UserDocument | undefined {
  const data = event.data;
  const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  switch (event.type) {
    case 'UserRegistered':
      return {
        id: data.userId as string,
        tenantId: event.tenantId,
        streamId: event.streamId,
        role: data.role as Role,
        status: 'active',
        locale: data.locale as Locale,
        email: data.email as EncryptedValue,
        displayName: data.displayName as EncryptedValue,
        createdAt: event.occurredAt,
      };
    case 'UserRoleChanged':
      return doc && { ...doc, role: data.role as Role };
    case 'UserProfileChanged': {
      const { email, displayName, locale, bookingVisibility } = data;
      return doc && { ...doc, ...defined({ email, displayName, locale, bookingVisibility }) };
    }
    case 'UserDeactivated':
      return doc && { ...doc, status: 'deactivated' };
    default:
      return doc;
  }
}

const projectUser = (event: EventEnvelope, tx: ProjectionTx) => {
  const userId = (event.data as { userId: string }).userId;
  const current = tx.get<UserDocument>(USERS, userId);
  if (current && current.tenantId !== event.tenantId) throw new Error('a user id is claimed by two tenants');
  const next = applyUserEvent(current, event);
  if (next) tx.put(USERS, userId, next);
};

export const identityReadModel: ProjectionDefinition = {
  name: 'identity_users',
  collections: [USERS, TENANTS],
  handlers: {
    TenantCreated: (event, tx) => {
      const { tenantId, name } = event.data as { tenantId: string; name: string };
      tx.put(TENANTS, tenantId, { id: tenantId, name, createdAt: event.occurredAt } satisfies TenantDocument);
    },
    UserRegistered: projectUser,
    UserRoleChanged: projectUser,
    UserProfileChanged: projectUser,
    UserDeactivated: projectUser,
  },
};
