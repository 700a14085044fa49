import { randomUUID } from 'node:crypto';
import type { TypedEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionStore, ProjectionTx } from '@plass/projections';

export const REQUESTS = 'requests';
export const ACKNOWLEDGEMENTS = 'acknowledgements';
export const USERS = 'users';
/** Per UTC day: the tenants with audit entries that day, and the requests closed that day (what retention deletes). */
export const RECORD_DAYS = 'record_days';
/** The first day retention has not passed yet (`id: 'first'`). */
export const RECORD_RETENTION = 'record_retention';

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

export interface RecordDayDocument {
  id: string;
  audit: string[];
  requests: Array<{ tenantId: string; requestId: string; kind: RequestDocument['kind'] }>;
}

export interface RecordRetentionDocument {
  id: 'first';
  day: string;
}

function recordDay(tx: ProjectionTx, day: string, change: (doc: RecordDayDocument) => RecordDayDocument | undefined): void {
  const doc = tx.get<RecordDayDocument>(RECORD_DAYS, day) ?? { id: day, audit: [], requests: [] };
  const changed = change(doc);
  if (changed) tx.put(RECORD_DAYS, day, changed);
  const first = tx.get<RecordRetentionDocument>(RECORD_RETENTION, 'first');
  if (!first || day < first.day) tx.put(RECORD_RETENTION, 'first', { id: 'first', day } satisfies RecordRetentionDocument);
}

type Closing = TypedEnvelope<'ErasureRefused' | 'ErasureCompleted' | 'ExportCompleted'>;

/** A request closed: it is kept for the retention period from this day on. */
function closedOn(event: Closing, tx: ProjectionTx, at: string | undefined): void {
  const { requestId } = event.data;
  const kind = event.type === 'ExportCompleted' ? 'export' : 'erasure';
  recordDay(tx, (at ?? event.occurredAt).slice(0, 10), (doc) =>
    doc.requests.some((request) => request.requestId === requestId) ? undefined : { ...doc, requests: [...doc.requests, { tenantId: event.tenantId, requestId, kind }] },
  );
}

function requested(kind: RequestDocument['kind']) {
  return (event: TypedEnvelope<'ErasureRequested' | 'ExportRequested'>, tx: ProjectionTx) => {
    const { requestId, subjectId, requestedAt, dueAt } = event.data;
    const doc: RequestDocument = { id: requestId, tenantId: event.tenantId, kind, subjectId, status: 'pending', requestedAt, dueAt, completedAt: null };
    tx.put(REQUESTS, requestId, doc);
  };
}

function closed(status: RequestDocument['status']) {
  return (event: Closing, tx: ProjectionTx) => {
    const completedAt = event.type === 'ErasureRefused' ? undefined : event.data.completedAt;
    const doc = tx.get<RequestDocument>(REQUESTS, event.data.requestId);
    if (doc) tx.put(REQUESTS, doc.id, { ...doc, status, completedAt: completedAt ?? null });
    closedOn(event, tx, completedAt);
  };
}

export const acknowledgementId = (tenantId: string, version: string, userId: string) => `${tenantId}:${version}:${userId}`;
export const userDocumentId = (tenantId: string, userId: string) => `${tenantId}:${userId}`;

/** Fed by the privacy service's own events (rebuildable from its store). */
export const privacyReadModel: ProjectionDefinition = {
  name: 'privacy_read_model',
  collections: [REQUESTS, ACKNOWLEDGEMENTS, RECORD_DAYS, RECORD_RETENTION],
  handlers: {
    AuditRecorded: (event, tx) =>
      recordDay(tx, event.data.at.slice(0, 10), (doc) => (doc.audit.includes(event.tenantId) ? undefined : { ...doc, audit: [...doc.audit, event.tenantId] })),
    ErasureRequested: requested('erasure'),
    ErasureRefused: closed('refused'),
    ErasureCompleted: closed('completed'),
    ExportRequested: requested('export'),
    ExportCompleted: closed('completed'),
    PrivacyPolicyAcknowledged: (event, tx) => {
      const { userId, version } = event.data;
      const id = acknowledgementId(event.tenantId, version, userId);
      const doc: AcknowledgementDocument = { id, tenantId: event.tenantId, version, userId };
      tx.put(ACKNOWLEDGEMENTS, id, doc);
    },
    PrivacyPolicyAcknowledgementWithdrawn: (event, tx) => {
      const { userId, version } = event.data;
      tx.delete(ACKNOWLEDGEMENTS, acknowledgementId(event.tenantId, version, userId));
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
      const { userId } = event.data;
      const id = userDocumentId(event.tenantId, userId);
      const doc: UserDocument = { id, tenantId: event.tenantId, userId, active: true };
      tx.put(USERS, id, doc);
    },
    UserDeactivated: (event, tx) => tx.delete(USERS, userDocumentId(event.tenantId, event.data.userId)),
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
