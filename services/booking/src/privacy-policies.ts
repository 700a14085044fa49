import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionStore } from '@plass/projections';
import type { CurrentPrivacyPolicy } from './rules/index.js';
import { isErased, userDocumentId } from './users-directory.js';

export const PRIVACY_POLICIES = 'privacy_policies';
export const ACKNOWLEDGEMENTS = 'policy_acknowledgements';

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

const data = (event: EventEnvelope) => event.data as Record<string, unknown>;

/**
 * Fed by the privacy service's events (a durable consumer), so booking can tell without asking
 * that a tenant requires no acknowledgement or that a booker gave it. Privacy owns the events, so
 * it is not rebuilt from the booking store.
 */
export const privacyPolicies: ProjectionDefinition = {
  name: 'booking_privacy_policies',
  collections: [PRIVACY_POLICIES, ACKNOWLEDGEMENTS],
  handlers: {
    PrivacyPolicyPublished: (event, tx) => {
      const current = tx.get<PrivacyPolicyDocument>(PRIVACY_POLICIES, event.tenantId);
      if (current && current.publishedAt > event.occurredAt) return;
      const { version, requireAcknowledgement } = data(event) as { version: string; requireAcknowledgement: boolean };
      const doc: PrivacyPolicyDocument = { id: event.tenantId, version, requireAcknowledgement, publishedAt: event.occurredAt };
      tx.put(PRIVACY_POLICIES, event.tenantId, doc);
    },
    PrivacyPolicyAcknowledged: (event, tx) => {
      const { userId, version } = data(event) as { userId: string; version: string };
      if (isErased(tx, event.tenantId, userId)) return;
      const id = userDocumentId(event.tenantId, userId);
      const doc = tx.get<AcknowledgementsDocument>(ACKNOWLEDGEMENTS, id) ?? { id, tenantId: event.tenantId, versions: [] };
      if (!doc.versions.includes(version)) tx.put(ACKNOWLEDGEMENTS, id, { ...doc, versions: [...doc.versions, version] });
    },
    PrivacyPolicyAcknowledgementWithdrawn: (event, tx) => {
      const { userId, version } = data(event) as { userId: string; version: string };
      const id = userDocumentId(event.tenantId, userId);
      const doc = tx.get<AcknowledgementsDocument>(ACKNOWLEDGEMENTS, id);
      if (doc?.versions.includes(version)) tx.put(ACKNOWLEDGEMENTS, id, { ...doc, versions: doc.versions.filter((acknowledged) => acknowledged !== version) });
    },
  },
};

/**
 * Erasure: drops what booking derived about the person (a fresh id each time, so a retry deletes
 * again); late acknowledgements stay out as `forgetUser` fences the person.
 */
export async function forgetAcknowledgements(store: ProjectionStore, tenantId: string, userId: string): Promise<void> {
  await store.apply(privacyPolicies.name, randomUUID(), (tx) => tx.delete(ACKNOWLEDGEMENTS, userDocumentId(tenantId, userId)));
}
