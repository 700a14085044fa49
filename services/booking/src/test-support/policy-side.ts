import { randomUUID } from 'node:crypto';
import { Streams, Subjects, AcknowledgePolicy, PolicyAcknowledgementStatus, PublishPolicy, type RequestContext } from '@plass/contracts';
import { envelopeFor, publishEvent } from '@plass/bus';
import { waitFor } from '@plass/testing';
import type { BookingHarness, TestTenant } from './harness.js';

/**
 * The privacy service's side of the policy gate as booking sees it: the policy and acknowledgement
 * events on JetStream, and the answer to PolicyAcknowledgementStatus. Once the privacy service
 * answers that itself, the real one is driven through its API; until then this plays it, from the
 * same facts it publishes (and can hold an acknowledgement back from JetStream, to show lag).
 */
export interface PolicySide {
  readonly real: boolean;
  publish(tenant: TestTenant, version: string, requireAcknowledgement: boolean): Promise<void>;
  /** `projected: false` (played side only) acknowledges without the event reaching booking. */
  acknowledge(user: { id: string; ctx: RequestContext }, version: string, options?: { projected?: boolean }): Promise<void>;
  /** How many times booking asked privacy so far. */
  asked(): number;
}

export async function policySide(h: BookingHarness): Promise<PolicySide> {
  const probe: RequestContext = { tenantId: randomUUID(), roles: [], correlationId: randomUUID() };
  const real = await h.client.request(PolicyAcknowledgementStatus, { userId: randomUUID() }, probe, { timeoutMs: 2000 }).then(
    () => true,
    () => false,
  );
  let asked = 0;
  h.client.nc.subscribe(PolicyAcknowledgementStatus.subject, { callback: () => void (asked += 1) });
  const published = new Map<string, { version: string; requireAcknowledgement: boolean }>();
  const acknowledged = new Set<string>();
  if (!real) {
    h.client.handle(
      PolicyAcknowledgementStatus,
      async ({ userId }, ctx) => {
        const policy = published.get(ctx.tenantId);
        if (!policy) return { required: false, currentVersion: null, acknowledged: false };
        const done = acknowledged.has(`${ctx.tenantId}/${userId}/${policy.version}`);
        return { required: policy.requireAcknowledgement, currentVersion: policy.version, acknowledged: done };
      },
      { queue: 'privacy' },
    );
  }
  await h.client.flush();

  const emit = async (ctx: RequestContext, event: Parameters<typeof envelopeFor>[0]) => {
    await publishEvent(h.client, envelopeFor(event, { ctx, context: 'privacy', streamId: `policy-${ctx.tenantId}`, now: h.clock.now }));
  };
  /** The event is on JetStream and booking has consumed everything there. */
  const arrived = async (tenantId: string, type: string, matches: (data: Record<string, unknown>) => boolean) => {
    await waitFor(
      async () => {
        const message = await h.client.jsm.streams.getMessage(Streams.events, { last_by_subj: Subjects.event(tenantId, 'privacy', type) }).catch(() => null);
        return message !== null && matches(message.json<{ data: Record<string, unknown> }>().data);
      },
      { what: `${type} on JetStream`, intervalMs: 25 },
    );
    await h.settle();
  };

  return {
    real,
    async publish(tenant, version, requireAcknowledgement) {
      if (real) await h.client.request(PublishPolicy, { version, text: `Privacy policy ${version}`, requireAcknowledgement }, tenant.admin);
      else {
        published.set(tenant.tenantId, { version, requireAcknowledgement });
        await emit(tenant.admin, { type: 'PrivacyPolicyPublished', data: { version, text: `Privacy policy ${version}`, requireAcknowledgement } });
      }
      await arrived(tenant.tenantId, 'PrivacyPolicyPublished', (data) => data.version === version);
    },
    async acknowledge(user, version, { projected = true } = {}) {
      if (real) {
        await h.client.request(AcknowledgePolicy, { version }, user.ctx);
        if (projected) await arrived(user.ctx.tenantId, 'PrivacyPolicyAcknowledged', (data) => data.userId === user.id && data.version === version);
        return;
      }
      acknowledged.add(`${user.ctx.tenantId}/${user.id}/${version}`);
      if (!projected) return;
      await emit(user.ctx, { type: 'PrivacyPolicyAcknowledged', data: { userId: user.id, version } });
      await arrived(user.ctx.tenantId, 'PrivacyPolicyAcknowledged', (data) => data.userId === user.id && data.version === version);
    },
    asked: () => asked,
  };
}
