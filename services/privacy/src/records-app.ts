import { randomUUID } from 'node:crypto';
import {
  DomainFailure,
  GetPrivacySettings,
  decided,
  domainError,
  processingRecords,
  type PlaceLegalHold,
  type ReadAuditLog,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type GetProcessingRecords,
  type SetSubProcessors,
  type ListLegalHolds,
  type ControllerContact,
} from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { requireOfficer, requireRole, requireSubject, subjectErased } from './access-checks.js';
import { decideLiftHold, decidePlaceHold, evolveHolds, holdsInForce, holdsOn, initialHolds, type ActiveHold } from './domain/legal-holds.js';
import { decideSetSubProcessors, evolveSubProcessors, initialSubProcessors, type SubProcessors } from './domain/sub-processors.js';
import type { IsErased } from './erased-subjects.js';
import { foldRecorded, type PrivacyLog } from './event-log.js';
import { legalHoldsStream, subProcessorsStream } from './streams.js';

export const foldHolds = foldRecorded(initialHolds, evolveHolds);
export const foldSubProcessors = foldRecorded(initialSubProcessors, evolveSubProcessors);

const MAX_AUDIT_WINDOW_MS = 62 * 86_400_000;
const SETTINGS_TIMEOUT_MS = 1000;

const holdView = ({ id, subjectId, reason, reference, placedAt, until }: ActiveHold) => ({ id, subjectId, reason, reference, placedAt, until });

/** The controller's records: legal holds, sub-processors, the record of processing (Art. 30) and the audit log. */
export class RecordsApp {
  constructor(
    private readonly deps: {
      log: PrivacyLog;
      bus: Pick<Bus, 'request'>;
      erased: IsErased;
      now: () => Date;
      /** The controller's contact in force (ControllerApp). */
      contact: (tenantId: string) => Promise<{ contact: ControllerContact } | undefined>;
      /** The operator's own processors (PLASS_SUB_PROCESSORS). */
      platformSubProcessors: SubProcessors;
    },
  ) {}

  /** A hold keeps data from erasure; once the subject's keys are destroyed there is nothing left to hold (410). */
  async placeHold(request: RequestOf<typeof PlaceLegalHold>, ctx: RequestContext): Promise<ActiveHold> {
    requireOfficer(ctx);
    if (await this.deps.erased(ctx.tenantId, request.subjectId)) {
      await this.deps.log.audit(ctx, {
        operation: 'legal_hold.placed',
        actorId: ctx.actorId,
        subjectId: request.subjectId,
        outcome: 'refused',
        details: { reason: 'subject_erased' },
      });
      throw subjectErased();
    }
    await requireSubject(this.deps.bus, ctx, request.subjectId);
    const holdId = randomUUID();
    return this.deps.log.commit(ctx, legalHoldsStream(ctx.tenantId), foldHolds, (state, now) => {
      const events = decided(decidePlaceHold({ ...request, holdId, placedBy: ctx.actorId, now }, state));
      return {
        events,
        audit: [{ operation: 'legal_hold.placed', actorId: ctx.actorId, subjectId: request.subjectId, outcome: 'succeeded', details: { holdId, reason: request.reason } }],
        result: holdView(events.reduce(evolveHolds, state)[holdId]!),
      };
    });
  }

  liftHold({ holdId }: { holdId: string }, ctx: RequestContext): Promise<Record<string, never>> {
    requireOfficer(ctx);
    return this.deps.log.commit(ctx, legalHoldsStream(ctx.tenantId), foldHolds, (state, now) => {
      const events = decided(decideLiftHold({ holdId, liftedBy: ctx.actorId, now }, state));
      return {
        events,
        audit: [{ operation: 'legal_hold.lifted', actorId: ctx.actorId, subjectId: state[holdId]!.subjectId, outcome: 'succeeded', details: { holdId } }],
        result: {},
      };
    });
  }

  /** The subject's holds in force, oldest first. */
  async activeHolds(tenantId: string, subjectId: string): Promise<ActiveHold[]> {
    return holdsOn(await this.deps.log.read(legalHoldsStream(tenantId), foldHolds), subjectId, this.deps.now().toISOString());
  }

  /** Everyone under a hold in force now: retention keeps their keys (Art. 17(3)). */
  async heldSubjects(tenantId: string): Promise<string[]> {
    const holds = holdsInForce(await this.deps.log.read(legalHoldsStream(tenantId), foldHolds), this.deps.now().toISOString());
    return [...new Set(holds.map((hold) => hold.subjectId))];
  }

  async listHolds(ctx: RequestContext): Promise<ResponseOf<typeof ListLegalHolds>> {
    requireOfficer(ctx);
    const holds = holdsInForce(await this.deps.log.read(legalHoldsStream(ctx.tenantId), foldHolds), this.deps.now().toISOString());
    return { items: holds.map(holdView) };
  }

  setSubProcessors({ items }: RequestOf<typeof SetSubProcessors>, ctx: RequestContext): Promise<ResponseOf<typeof SetSubProcessors>> {
    requireRole(ctx, ['admin'], 'admins');
    return this.deps.log.commit(ctx, subProcessorsStream(ctx.tenantId), foldSubProcessors, (state, now) => {
      const events = decided(decideSetSubProcessors({ items, now }, state));
      return {
        events,
        audit: events.length === 0 ? [] : [{ operation: 'sub_processors.changed', actorId: ctx.actorId, outcome: 'succeeded', details: { count: items.length } }],
        result: { items: events.reduce(evolveSubProcessors, state) },
      };
    });
  }

  /** Generated from the contracts' pii() marks; booking's retention setting is read when booking answers. */
  async processingRecords(ctx: RequestContext): Promise<ResponseOf<typeof GetProcessingRecords>> {
    requireOfficer(ctx);
    const [subProcessors, contact, retention] = await Promise.all([
      this.deps.log.read(subProcessorsStream(ctx.tenantId), foldSubProcessors),
      this.deps.contact(ctx.tenantId),
      this.deps.bus.request(GetPrivacySettings, {}, ctx, { timeoutMs: SETTINGS_TIMEOUT_MS }).then(
        ({ anonymizeBookingsAfterDays }) => ({ anonymizeBookingsAfterDays }),
        () => ({}),
      ),
    ]);
    return processingRecords({
      tenantId: ctx.tenantId,
      generatedAt: this.deps.now().toISOString(),
      subProcessors,
      platformSubProcessors: this.deps.platformSubProcessors,
      contact: contact?.contact ?? null,
      ...retention,
    });
  }

  /** Privacy officers only, like the route: the log shows who exercised which right. */
  async readAuditLog({ from, to }: RequestOf<typeof ReadAuditLog>, ctx: RequestContext): Promise<ResponseOf<typeof ReadAuditLog>> {
    requireRole(ctx, ['privacy_officer'], 'privacy officers');
    const [start, end] = [new Date(from), new Date(to)];
    if (!(end > start) || end.getTime() - start.getTime() > MAX_AUDIT_WINDOW_MS) {
      throw new DomainFailure(domainError('validation.failed', 'to must be after from, at most 62 days', { errors: [{ path: 'to', message: 'after from, at most 62 days' }] }));
    }
    return { items: await this.deps.log.readAudit(ctx.tenantId, start, end) };
  }
}
