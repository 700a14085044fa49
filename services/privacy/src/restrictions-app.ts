import { randomUUID } from 'node:crypto';
import {
  ApplyRestriction,
  decided,
  type LiftRestriction,
  type ListRestrictions,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type RestrictProcessing,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { Logger } from '@plass/telemetry';
import { requireActor, requireMayActFor, requireSubject, subjectErased } from './access-checks.js';
import { isOfficer } from './domain/access.js';
import { allRestrictions, decideLift, decideRestrict, evolveRestrictions, initialRestrictions, restrictionsOn, type Restriction } from './domain/restrictions.js';
import type { IsErased } from './erased-subjects.js';
import { foldRecorded, type PrivacyLog } from './event-log.js';
import { restrictionsStream } from './streams.js';

export const foldRestrictions = foldRecorded(initialRestrictions, evolveRestrictions);

const APPLY_TIMEOUT_MS = 2000;

export interface RestrictionsAppDeps {
  log: PrivacyLog;
  bus: Pick<Bus, 'request'>;
  erased: IsErased;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Restriction of processing (Art. 18) and objection (Art. 21): the person's data stays stored,
 * booking makes no booking by or for them. Booking applies a change before it is answered, so a
 * 201 or 204 means in force; a booking that cannot be reached gets it from privacy's events.
 */
export class RestrictionsApp {
  constructor(private readonly deps: RestrictionsAppDeps) {}

  async restrict({ subjectId: named, ground }: RequestOf<typeof RestrictProcessing>, ctx: RequestContext): Promise<Restriction> {
    const subjectId = named ?? requireActor(ctx);
    requireMayActFor(ctx, subjectId);
    if (await this.deps.erased(ctx.tenantId, subjectId)) throw subjectErased();
    if (subjectId !== ctx.actorId) await requireSubject(this.deps.bus, ctx, subjectId);
    const restrictionId = randomUUID();
    const restriction = await this.deps.log.commit(ctx, restrictionsStream(ctx.tenantId), foldRestrictions, (state, now) => {
      const events = decided(decideRestrict({ restrictionId, subjectId, ground, placedBy: ctx.actorId, now }, state));
      const after = events.reduce(evolveRestrictions, state);
      return {
        events,
        audit: events.length === 0 ? [] : [{ operation: 'processing.restricted', actorId: ctx.actorId, subjectId, outcome: 'succeeded', details: { restrictionId, ground } }],
        result: restrictionsOn(after, subjectId).find((inForce) => inForce.ground === ground)!,
      };
    });
    await this.apply(ctx, { restrictionId: restriction.id, subjectId, inForce: true });
    return restriction;
  }

  async lift({ restrictionId, reason }: RequestOf<typeof LiftRestriction>, ctx: RequestContext): Promise<Record<string, never>> {
    requireActor(ctx);
    const subjectId = await this.deps.log.commit(ctx, restrictionsStream(ctx.tenantId), foldRestrictions, (state, now) => {
      const events = decided(decideLift({ restrictionId, reason, actor: ctx, now }, state));
      const { subjectId: lifted } = state[restrictionId]!;
      return {
        events,
        audit: [{ operation: 'processing.restriction_lifted', actorId: ctx.actorId, subjectId: lifted, outcome: 'succeeded', details: { restrictionId, reason } }],
        result: lifted,
      };
    });
    await this.apply(ctx, { restrictionId, subjectId, inForce: false });
    return {};
  }

  async list(ctx: RequestContext): Promise<ResponseOf<typeof ListRestrictions>> {
    const actorId = requireActor(ctx);
    const state = await this.deps.log.read(restrictionsStream(ctx.tenantId), foldRestrictions);
    return { items: isOfficer(ctx) ? allRestrictions(state) : restrictionsOn(state, actorId) };
  }

  /** The subject's restrictions in force (their export shows them). */
  async restrictionsOf(tenantId: string, subjectId: string): Promise<Restriction[]> {
    return restrictionsOn(await this.deps.log.read(restrictionsStream(tenantId), foldRestrictions), subjectId);
  }

  /** Best effort on the request path: the event is stored, and booking's consumer of it applies the same change. */
  private async apply(ctx: RequestContext, change: RequestOf<typeof ApplyRestriction>): Promise<void> {
    try {
      await this.deps.bus.request(ApplyRestriction, change, ctx, { timeoutMs: APPLY_TIMEOUT_MS });
    } catch (error) {
      this.deps.logger.warn({ err: error, restrictionId: change.restrictionId }, 'booking did not confirm a restriction change; its event consumer applies it');
    }
  }
}
