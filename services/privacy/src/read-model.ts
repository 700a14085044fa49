import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionStore, ProjectionTx } from '@plass/projections';

export const REQUESTS = 'requests';
export const ACKNOWLEDGEMENTS = 'acknowledgements';
export const USERS = 'users';

/** An erasure or export request, for lists, deadlines and the saga's resumption. */
export interface RequestDocument {
  id: string;
  tenantId: string;
  kind: 'erasure' | 'export';
  subjectId: string;
  status: 'pending' | 'completed' | 'refused';
  requestedAt: string;
  dueAt: string;
  completedAt: string | null;
}

export interface AcknowledgementDocument {
  id: string;
  tenantId: string;
  version: string;
  userId: string;
}

/** A tenant's user as far as consent goes: the id and whether they are active, nothing personal. */
export interface UserDocument {
  id: string;
  tenantId: string;
  userId: string;
  active: boolean;
}

const data = (event: EventEnvelope) => event.data as Record<string, string>;

function requested(kind: RequestDocument['kind']) {
  return (event: EventEnvelope, tx: ProjectionTx) => {
    const { requestId, subjectId, requestedAt, dueAt } = data(event);
    const doc: RequestDocument = { id: requestId!, tenantId: event.tenantId, kind, subjectId: subjectId!, status: 'pending', requestedAt: requestedAt!, dueAt: dueAt!, completedAt: null };
    tx.put(REQUESTS, requestId!, doc);
  };
}

function closed(status: RequestDocument['status'], completedAtField?: string) {
  return (event: EventEnvelope, tx: ProjectionTx) => {
    const fields = data(event);
    const doc = tx.get<RequestDocument>(REQUESTS, fields.requestId!);
    if (doc) tx.put(REQUESTS, doc.id, { ...doc, status, completedAt: completedAtField ? fields[completedAtField]! : null });
  };
}

export const acknowledgementId = (tenantId: string, version: string, userId: string) => `${tenantId}:${version}:${userId}`;
export const userDocumentId = (tenantId: string, userId: string) => `${tenantId}:${userId}`;

/** Fed by the privacy service's own events (rebuildable from its store). */
export const privacyReadModel: ProjectionDefinition = {
  name: 'privacy_read_model',
  collections: [REQUESTS, ACKNOWLEDGEMENTS],
  handlers: {
    ErasureRequested: requested('erasure'),
    ErasureRefused: closed('refused'),
    ErasureCompleted: closed('completed', 'completedAt'),
    ExportRequested: requested('export'),
    ExportCompleted: closed('completed', 'completedAt'),
    PrivacyPolicyAcknowledged: (event, tx) => {
      const { userId, version } = data(event);
      const id = acknowledgementId(event.tenantId, version!, userId!);
      const doc: AcknowledgementDocument = { id, tenantId: event.tenantId, version: version!, userId: userId! };
      tx.put(ACKNOWLEDGEMENTS, id, doc);
    },
    PrivacyPolicyAcknowledgementWithdrawn: (event, tx) => {
      const { userId, version } = data(event);
      tx.delete(ACKNOWLEDGEMENTS, acknowledgementId(event.tenantId, version!, userId!));
    },
  },
};

/**
 * Fed by identity's events (a second durable consumer); only ids, personal fields are ignored. Only
 * active users are asked for, so a deactivated user's document goes (an erased subject's too, even
 * when their UserDeactivated arrives after privacy forgot them).
 */
export const usersDirectory: ProjectionDefinition = {
  name: 'privacy_users',
  collections: [USERS],
  handlers: {
    UserRegistered: (event, tx) => {
      const userId = data(event).userId!;
      const id = userDocumentId(event.tenantId, userId);
      const doc: UserDocument = { id, tenantId: event.tenantId, userId, active: true };
      tx.put(USERS, id, doc);
    },
    UserDeactivated: (event, tx) => tx.delete(USERS, userDocumentId(event.tenantId, data(event).userId!)),
  },
};

/**
 * Erasure: drops the subject's acknowledgement and user documents, which nothing needs once they are
 * gone. Their PrivacyPolicyAcknowledged events stay (user id and version only): they are the
 * tenant's evidence of consent. The request documents stay too, as evidence of the erasure itself.
 */
export async function forgetInReadModel(store: ProjectionStore, tenantId: string, subjectId: string): Promise<void> {
  const acknowledgements = await store.find<AcknowledgementDocument>(ACKNOWLEDGEMENTS, { tenantId, userId: subjectId });
  await store.apply('privacy_forget', randomUUID(), (tx) => {
    for (const doc of acknowledgements) tx.delete(ACKNOWLEDGEMENTS, doc.id);
    tx.delete(USERS, userDocumentId(tenantId, subjectId));
  });
}
