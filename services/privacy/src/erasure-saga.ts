import { CancelSubjectBookings, DeactivateSubject, KeysDestroyed, decided, forgetSubject, type RequestContext } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { AuditInput } from './domain/audit.js';
import { decideErasureProgress, evolveErasure, initialErasure, nextErasureStep, type ErasureProgress, type ErasureState, type SagaStep } from './domain/erasure.js';
import type { ActiveHold } from './domain/legal-holds.js';
import { foldRecorded, type PrivacyLog } from './event-log.js';
import { MAX_KIDS_PER_BROADCAST, type KeyVault } from './keys/index.js';
import { erasureStream } from './streams.js';

export const foldErasure = foldRecorded(initialErasure, evolveErasure);

const MAX_ROUNDS = 20;

type Pending = Exclude<ErasureState, { status: 'none' }>;

export interface ErasureSagaDeps {
  log: PrivacyLog;
  bus: Pick<Bus, 'request' | 'broadcast'>;
  vault: Pick<KeyVault, 'destroySubjectKeys'>;
  /** Services that cancel, deactivate and forget; privacy forgets its own part (`forgetLocally`). */
  participants: readonly string[];
  forgetLocally(tenantId: string, subjectId: string): Promise<void>;
  /** The legal holds on the subject in force now, oldest first. */
  holds(tenantId: string, subjectId: string): Promise<ActiveHold[]>;
  now: () => Date;
  /** How long a participant may take to answer one step before the saga retries later. */
  timeoutMs: number;
}

/**
 * Erasure (GDPR Art. 17) as a saga over its own stream: every step's outcome is an event, so a
 * restarted or concurrent runner continues where the record stops, and repeats only idempotent work.
 */
export class ErasureSaga {
  constructor(private readonly deps: ErasureSagaDeps) {}

  /** Runs the request's remaining steps; throws (to be retried) when a participant does not answer. */
  async run(tenantId: string, requestId: string): Promise<void> {
    const streamId = erasureStream(tenantId, requestId);
    // Each round records progress or throws; the bound only guards against a bug looping forever.
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const loaded = await this.deps.log.load(streamId, foldErasure);
      const state = loaded.state;
      const step = nextErasureStep(state, this.deps.participants);
      if (step.kind === 'none' || state.status !== 'pending') return;
      const first = loaded.events[0]!;
      const ctx: RequestContext = { tenantId, roles: [], correlationId: String(first.metadata.correlationId) };
      await this.perform(step, state, ctx, streamId);
    }
    throw new Error(`erasure ${requestId}: no progress after ${MAX_ROUNDS} steps`);
  }

  private async perform(step: Exclude<SagaStep, { kind: 'none' }>, state: Pending, ctx: RequestContext, streamId: string): Promise<void> {
    const { bus, timeoutMs } = this.deps;
    const { requestId: erasureId, subjectId } = state;
    const options = { timeoutMs };
    // A hold may have been placed since the request was accepted: look again before each step that cannot be undone.
    if ((step.kind === 'cancel_bookings' || step.kind === 'destroy_keys') && (await this.refusedByHold(state, ctx, streamId))) return;
    switch (step.kind) {
      case 'deactivate_user':
        await bus.request(DeactivateSubject, { erasureId, subjectId }, ctx, options);
        return this.record(ctx, streamId, { kind: 'steps', completed: [{ step: 'user_deactivated' }] });
      case 'cancel_bookings': {
        const { cancelled } = await bus.request(CancelSubjectBookings, { erasureId, subjectId }, ctx, options);
        return this.record(ctx, streamId, { kind: 'steps', completed: [{ step: 'bookings_cancelled', count: cancelled }] });
      }
      case 'destroy_keys': {
        const kids = await this.deps.vault.destroySubjectKeys(ctx.tenantId, subjectId);
        for (let i = 0; i < kids.length; i += MAX_KIDS_PER_BROADCAST) {
          bus.broadcast(KeysDestroyed, { tenantId: ctx.tenantId, kids: kids.slice(i, i + MAX_KIDS_PER_BROADCAST) });
        }
        const completed = [{ step: 'keys_destroyed' as const, count: kids.length }, { step: 'erasure_broadcast' as const }];
        return this.record(ctx, streamId, { kind: 'steps', completed }, [
          { operation: 'keys.destroyed', subjectId, requestId: erasureId, outcome: 'succeeded', details: { keys: kids.length, reason: 'erasure' } },
        ]);
      }
      case 'collect_receipts':
        return this.collectReceipts(step.services, state, ctx, streamId);
      case 'complete':
        return this.record(ctx, streamId, { kind: 'complete', participants: this.deps.participants }, [
          { operation: 'erasure.completed', subjectId, requestId: erasureId, outcome: 'succeeded' },
        ]);
    }
  }

  /** Records the refusal when a legal hold on the subject is in force now (the oldest one's reason). */
  private async refusedByHold(state: Pending, ctx: RequestContext, streamId: string): Promise<boolean> {
    const { requestId, subjectId } = state;
    const [hold] = await this.deps.holds(ctx.tenantId, subjectId);
    if (!hold) return false;
    await this.record(ctx, streamId, { kind: 'refuse', hold }, [
      { operation: 'erasure.refused', subjectId, requestId, outcome: 'refused', details: { reason: hold.reason, holdId: hold.id } },
    ]);
    return true;
  }

  /** Asks every missing service at once; records whoever answered, then fails if anyone did not. */
  private async collectReceipts(services: string[], state: Pending, ctx: RequestContext, streamId: string): Promise<void> {
    const { requestId: erasureId, subjectId } = state;
    const answers = await Promise.allSettled(
      services.map(async (service) => {
        if (service === 'privacy') {
          await this.deps.forgetLocally(ctx.tenantId, subjectId);
          return { service, acknowledgedAt: this.deps.now().toISOString() };
        }
        const receipt = await this.deps.bus.request(forgetSubject(service), { erasureId, subjectId }, ctx, { timeoutMs: this.deps.timeoutMs });
        return { service, acknowledgedAt: receipt.acknowledgedAt };
      }),
    );
    const receipts = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
    if (receipts.length > 0) await this.record(ctx, streamId, { kind: 'receipts', receipts });
    const failed = answers.flatMap((answer, i) => (answer.status === 'rejected' ? [services[i]!] : []));
    if (failed.length > 0) {
      throw new Error(`erasure ${erasureId}: no receipt yet from ${failed.join(', ')}`, {
        cause: answers.find((answer) => answer.status === 'rejected')?.reason,
      });
    }
  }

  /** Records on fresh state; audit entries only when something was recorded (a concurrent runner may have been first). */
  private record(ctx: RequestContext, streamId: string, progress: DistributiveOmit<ErasureProgress, 'now'>, audit: AuditInput[] = []): Promise<void> {
    return this.deps.log.commit(ctx, streamId, foldErasure, (state, now) => {
      const events = decided(decideErasureProgress({ ...progress, now }, state));
      return { events, audit: events.length > 0 ? audit : [], result: undefined };
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
