import { typedEnvelope, type EncryptedValue, type EventEnvelope, type Locale, type Role, type TypedEnvelope } from '@plass/contracts';
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

type UserEvent = TypedEnvelope<'UserRegistered' | 'UserRoleChanged' | 'UserProfileChanged' | 'UserDeactivated'>;

/** One event's effect on a stored user. */
function applyUserEvent(doc: UserDocument | undefined, event: TypedEnvelope): UserDocument | undefined {
  const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, role, locale, email, displayName } = event.data;
      return { id: userId, tenantId: event.tenantId, streamId: event.streamId, role, status: 'active', locale, email, displayName, createdAt: event.occurredAt };
    }
    case 'UserRoleChanged':
      return doc && { ...doc, role: event.data.role };
    case 'UserProfileChanged': {
      const { email, displayName, locale, bookingVisibility } = event.data;
      return doc && { ...doc, ...defined({ email, displayName, locale, bookingVisibility }) };
    }
    case 'UserDeactivated':
      return doc && { ...doc, status: 'deactivated' };
    default:
      return doc;
  }
}

/** Folds envelopes of a user's stream into the document a command answers with. */
export const foldUserDocument = (doc: UserDocument | undefined, envelopes: EventEnvelope[]): UserDocument | undefined =>
  envelopes.reduce((current, envelope) => {
    const event = typedEnvelope(envelope);
    return event ? applyUserEvent(current, event) : current;
  }, doc);

const projectUser = (event: UserEvent, tx: ProjectionTx) => {
  const { userId } = event.data;
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
      const { tenantId, name } = event.data;
      tx.put(TENANTS, tenantId, { id: tenantId, name, createdAt: event.occurredAt } satisfies TenantDocument);
    },
    UserRegistered: projectUser,
    UserRoleChanged: projectUser,
    UserProfileChanged: projectUser,
    UserDeactivated: projectUser,
  },
};
