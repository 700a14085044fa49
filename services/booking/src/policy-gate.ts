import { randomUUID } from 'node:crypto';
import { DomainFailure, domainError, type ApplyRestriction, type RequestContext, type RequestOf } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import {
  ACKNOWLEDGEMENTS,
  PRIVACY_POLICIES,
  RESTRICTIONS,
  applyRestriction,
  isRestricted,
  privacyPolicies,
  type AcknowledgementsDocument,
  type PrivacyPolicyDocument,
  type RestrictionsDocument,
} from './privacy-policies.js';
import { acknowledgementMissing } from './rules/index.js';
import { userDocumentId } from './users-directory.js';

/** What the privacy service answers about a user and the tenant's current policy. */
export type AskAcknowledgement = (ctx: RequestContext, userId: string) => Promise<{ required: boolean; currentVersion: string | null; acknowledged: boolean }>;

/**
 * Bookers must have acknowledged the tenant's current privacy policy where it requires that. The
 * projection answers locally; only when it says "missing" is privacy asked, so an acknowledgement
 * the projection has not seen yet is never refused, and tenants without such a policy pay one
 * read-model lookup.
 */
export class PolicyGate {
  constructor(private readonly deps: { readModel: ProjectionStore; ask: AskAcknowledgement }) {}

  async requireAcknowledged(ctx: RequestContext, bookerId: string): Promise<void> {
    const policy = await this.deps.readModel.get<PrivacyPolicyDocument>(PRIVACY_POLICIES, ctx.tenantId);
    if (!policy?.requireAcknowledgement) return;
    const acknowledged = await this.deps.readModel.get<AcknowledgementsDocument>(ACKNOWLEDGEMENTS, userDocumentId(ctx.tenantId, bookerId));
    if (!acknowledgementMissing(policy, acknowledged?.tenantId === ctx.tenantId ? acknowledged.versions : [])) return;
    const status = await this.deps.ask(ctx, bookerId);
    if (status.required && !status.acknowledged) {
      throw new DomainFailure(domainError('privacy.policy_not_acknowledged', 'the booker has not acknowledged the current privacy policy', { version: status.currentVersion }));
    }
  }

  /** Art. 18/21: while a restriction is in force, no booking is made by or for the person. */
  async requireNotRestricted(ctx: RequestContext, bookerId: string): Promise<void> {
    const doc = await this.deps.readModel.get<RestrictionsDocument>(RESTRICTIONS, userDocumentId(ctx.tenantId, bookerId));
    if (isRestricted(doc, ctx.tenantId)) {
      throw new DomainFailure(domainError('privacy.processing_restricted', "the booker's data may not be processed for bookings while a restriction is in force"));
    }
  }

  /** Privacy applies a restriction here before it answers; the same change from its events later is a no-op. */
  async applyRestriction(change: RequestOf<typeof ApplyRestriction>, ctx: RequestContext): Promise<{ applied: boolean }> {
    await this.deps.readModel.apply(privacyPolicies.name, randomUUID(), (tx) => applyRestriction(tx, ctx.tenantId, change));
    return { applied: true };
  }
}
