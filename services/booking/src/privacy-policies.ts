import { randomUUID } from 'node:crypto';
import type { ProjectionDefinition, ProjectionStore, ProjectionTx } from '@plass/projections';
import type { CurrentPrivacyPolicy } from './rules/index.js';
import { isErased, userDocumentId } from './users-directory.js';

export const PRIVACY_POLICIES = 'privacy_policies';
export const ACKNOWLEDGEMENTS = 'policy_acknowledgements';
export const RESTRICTIONS = 'processing_restrictions';

/** A tenant's current privacy policy (keyed by tenant id); its text stays with the privacy service. */
export interface PrivacyPolicyDocument extends CurrentPrivacyPolicy {
  id: string;
  publishedAt: string;
}

/** The policy versions a user acknowledged, keyed like the users directory (no user id in clear). */
export interface AcknowledgementsDocument {
  id: string;
  tenantId: string;
  versions: string[];
}

/**
 * A user's restrictions of processing (Art. 18/21), keyed like the users directory. A lifted one
 * stays as `lifted`, so a late or redelivered placement cannot bring it back.
 */
export interface RestrictionsDocument {
  id: string;
  tenantId: string;
  restrictions: Record<string, 'in_force' | 'lifted'>;
}

/** Records a restriction placed or lifted; the same change again, or a placement after its lifting, changes nothing. */
export function applyRestriction(tx: ProjectionTx, tenantId: string, change: { restrictionId: string; subjectId: string; inForce: boolean }): void {
  if (isErased(tx, tenantId, change.subjectId)) return;
  const id = userDocumentId(tenantId, change.subjectId);
  const doc = tx.get<RestrictionsDocument>(RESTRICTIONS, id) ?? { id, tenantId, restrictions: {} };
  const now = doc.restrictions[change.restrictionId];
  const next = change.inForce ? (now ?? 'in_force') : 'lifted';
  if (now !== next) tx.put(RESTRICTIONS, id, { ...doc, restrictions: { ...doc.restrictions, [change.restrictionId]: next } });
}

export const isRestricted = (doc: RestrictionsDocument | undefined, tenantId: string): boolean =>
  doc?.tenantId === tenantId && Object.values(doc.restrictions).includes('in_force');

/**
 * Fed by the privacy service's events (a durable consumer), so booking can tell without asking
 * that a tenant requires no acknowledgement or that a booker gave it. Privacy owns the events, so
 * it is not rebuilt from the booking store.
 */
export const privacyPolicies: ProjectionDefinition = {
  name: 'booking_privacy_policies',
  collections: [PRIVACY_POLICIES, ACKNOWLEDGEMENTS, RESTRICTIONS],
  handlers: {
    PrivacyPolicyPublished: (event, tx) => {
      const current = tx.get<PrivacyPolicyDocument>(PRIVACY_POLICIES, event.tenantId);
      if (current && current.publishedAt > event.occurredAt) return;
      const { version, requireAcknowledgement } = event.data;
      const doc: PrivacyPolicyDocument = { id: event.tenantId, version, requireAcknowledgement, publishedAt: event.occurredAt };
      tx.put(PRIVACY_POLICIES, event.tenantId, doc);
    },
    PrivacyPolicyAcknowledged: (event, tx) => {
      const { userId, version } = event.data;
      if (isErased(tx, event.tenantId, userId)) return;
      const id = userDocumentId(event.tenantId, userId);
      const doc = tx.get<AcknowledgementsDocument>(ACKNOWLEDGEMENTS, id) ?? { id, tenantId: event.tenantId, versions: [] };
      if (!doc.versions.includes(version)) tx.put(ACKNOWLEDGEMENTS, id, { ...doc, versions: [...doc.versions, version] });
    },
    PrivacyPolicyAcknowledgementWithdrawn: (event, tx) => {
      const { userId, version } = event.data;
      const id = userDocumentId(event.tenantId, userId);
      const doc = tx.get<AcknowledgementsDocument>(ACKNOWLEDGEMENTS, id);
      if (doc?.versions.includes(version)) tx.put(ACKNOWLEDGEMENTS, id, { ...doc, versions: doc.versions.filter((acknowledged) => acknowledged !== version) });
    },
    ProcessingRestricted: (event, tx) => {
      const { restrictionId, subjectId } = event.data;
      applyRestriction(tx, event.tenantId, { restrictionId, subjectId, inForce: true });
    },
    ProcessingRestrictionLifted: (event, tx) => {
      const { restrictionId, subjectId } = event.data;
      applyRestriction(tx, event.tenantId, { restrictionId, subjectId, inForce: false });
    },
  },
};

/**
 * Erasure: drops what booking derived about the person (a fresh id each time, so a retry deletes
 * again); late acknowledgements stay out as `forgetUser` fences the person.
 */
export async function forgetAcknowledgements(store: ProjectionStore, tenantId: string, userId: string): Promise<void> {
  await store.apply(privacyPolicies.name, randomUUID(), (tx) => {
    tx.delete(ACKNOWLEDGEMENTS, userDocumentId(tenantId, userId));
    tx.delete(RESTRICTIONS, userDocumentId(tenantId, userId));
  });
}
