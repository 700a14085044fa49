import {
  DomainFailure,
  decided,
  domainError,
  type PolicyView,
  type PublishPolicy,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type AcknowledgePolicy,
  type ListUnacknowledged,
  type PolicyAcknowledgementStatus,
} from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import { requireActor, requireOfficer, requireRole, subjectErased } from './access-checks.js';
import {
  acknowledgementStatus,
  decideAcknowledge,
  decideWithdraw,
  decidePublishPolicy,
  evolveConsent,
  evolvePolicy,
  initialConsent,
  initialPolicy,
  type PolicyState,
} from './domain/policy.js';
import type { IsErased } from './erased-subjects.js';
import { foldRecorded, type PrivacyLog } from './event-log.js';
import { ACKNOWLEDGEMENTS, USERS, type AcknowledgementDocument, type UserDocument } from './read-model.js';
import { consentStream, policyStream } from './streams.js';

export const foldPolicy = foldRecorded(initialPolicy, evolvePolicy);
export const foldConsent = foldRecorded(initialConsent, evolveConsent);

const current = (policy: PolicyState): PolicyView => {
  if (!policy.current) throw new DomainFailure(domainError('privacy.policy_not_found', 'no privacy policy has been published'));
  return policy.current;
};

/** The tenant's privacy policy, its versions and who acknowledged which. */
export class PolicyApp {
  constructor(private readonly deps: { log: PrivacyLog; readModel: ProjectionStore; erased: IsErased }) {}

  publish(request: RequestOf<typeof PublishPolicy>, ctx: RequestContext): Promise<PolicyView> {
    requireRole(ctx, ['admin'], 'admins');
    return this.deps.log.commit(ctx, policyStream(ctx.tenantId), foldPolicy, (state, now) => {
      const events = decided(decidePublishPolicy({ ...request, publishedBy: ctx.actorId, now }, state));
      return {
        events,
        audit: [
          {
            operation: 'policy.published',
            actorId: ctx.actorId,
            outcome: 'succeeded',
            details: { version: request.version, requireAcknowledgement: request.requireAcknowledgement },
          },
        ],
        result: current(events.reduce(evolvePolicy, state)),
      };
    });
  }

  async get(ctx: RequestContext): Promise<PolicyView> {
    return current(await this.policy(ctx.tenantId));
  }

  async acknowledge({ version }: RequestOf<typeof AcknowledgePolicy>, ctx: RequestContext): Promise<ResponseOf<typeof AcknowledgePolicy>> {
    const userId = requireActor(ctx);
    if (await this.deps.erased(ctx.tenantId, userId)) {
      await this.deps.log.audit(ctx, { operation: 'policy.acknowledged', actorId: userId, subjectId: userId, outcome: 'refused', details: { reason: 'subject_erased', version } });
      throw subjectErased();
    }
    const policy = await this.policy(ctx.tenantId);
    return this.deps.log.commit(ctx, consentStream(ctx.tenantId, userId), foldConsent, (state, now) => {
      const events = decided(decideAcknowledge({ userId, version, now, policy }, state));
      const after = events.reduce(evolveConsent, state);
      return {
        events,
        audit: events.length === 0 ? [] : [{ operation: 'policy.acknowledged', actorId: userId, subjectId: userId, outcome: 'succeeded', details: { version } }],
        result: { version, acknowledgedAt: after[version]! },
      };
    });
  }

  async withdraw(ctx: RequestContext): Promise<Record<string, never>> {
    const userId = requireActor(ctx);
    if (await this.deps.erased(ctx.tenantId, userId)) throw subjectErased();
    const policy = await this.policy(ctx.tenantId);
    return this.deps.log.commit(ctx, consentStream(ctx.tenantId, userId), foldConsent, (state, now) => {
      const events = decided(decideWithdraw({ userId, now, policy }, state));
      const version = policy.current?.version;
      return {
        events,
        audit: [
          { operation: 'policy.acknowledgement_withdrawn', actorId: userId, subjectId: userId, outcome: 'succeeded', ...(version === undefined ? {} : { details: { version } }) },
        ],
        result: {},
      };
    });
  }

  /** Active users of the tenant who have not acknowledged the current version. */
  async unacknowledged(ctx: RequestContext): Promise<ResponseOf<typeof ListUnacknowledged>> {
    requireOfficer(ctx);
    const { version } = current(await this.policy(ctx.tenantId));
    const [users, acknowledged] = await Promise.all([
      this.deps.readModel.find<UserDocument>(USERS, { tenantId: ctx.tenantId, active: true }),
      this.deps.readModel.find<AcknowledgementDocument>(ACKNOWLEDGEMENTS, { tenantId: ctx.tenantId, version }),
    ]);
    const done = new Set(acknowledged.map((doc) => doc.userId));
    return {
      version,
      userIds: users
        .map((user) => user.userId)
        .filter((userId) => !done.has(userId))
        .sort(),
    };
  }

  /** Asked by booking before a user books. */
  async status({ userId }: RequestOf<typeof PolicyAcknowledgementStatus>, ctx: RequestContext): Promise<ResponseOf<typeof PolicyAcknowledgementStatus>> {
    const [policy, consent] = await Promise.all([this.policy(ctx.tenantId), this.deps.log.read(consentStream(ctx.tenantId, userId), foldConsent)]);
    return acknowledgementStatus(policy, consent);
  }

  /** The subject's acknowledgements, for their export. */
  async consentsOf(tenantId: string, userId: string): Promise<Array<{ version: string; acknowledgedAt: string }>> {
    const consent = await this.deps.log.read(consentStream(tenantId, userId), foldConsent);
    return Object.entries(consent).map(([version, acknowledgedAt]) => ({ version, acknowledgedAt }));
  }

  private policy(tenantId: string): Promise<PolicyState> {
    return this.deps.log.read(policyStream(tenantId), foldPolicy);
  }
}
