import { randomUUID } from 'node:crypto';
import { decided, type ErasureRequestView, type ExportRequestView, type RequestContext, type RequestOf, type ListPrivacyRequests, type ResponseOf } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import type { ProjectionStore } from '@plass/projections';
import { requestNotFound, requireMayActFor, requireOfficer, requireSubject, subjectErased } from './access-checks.js';
import { mayRead } from './domain/access.js';
import { isOverdue } from './domain/deadlines.js';
import { decideRequestErasure, erasureView, evolveErasure } from './domain/erasure.js';
import { decideRequestExport, evolveExport, exportView } from './domain/export-request.js';
import { holdsOn } from './domain/legal-holds.js';
import { foldErasure } from './erasure-saga.js';
import { type PrivacyLog } from './event-log.js';
import { foldExport } from './export-assembler.js';
import type { ExportBundles } from './export-bundles.js';
import { foldHolds } from './records-app.js';
import { REQUESTS, type RequestDocument } from './read-model.js';
import { erasureStream, exportStream, legalHoldsStream } from './streams.js';

export interface RequestsAppDeps {
  log: PrivacyLog;
  readModel: ProjectionStore;
  bus: Pick<Bus, 'request'>;
  bundles: ExportBundles;
  /** Runs the saga / the assembly right away, in the background. */
  startErasure(tenantId: string, requestId: string): void;
  startExport(tenantId: string, requestId: string): void;
  now: () => Date;
}

/** Erasure (Art. 17) and export (Art. 15/20) requests, with their deadlines (Art. 12(3)). */
export class RequestsApp {
  constructor(private readonly deps: RequestsAppDeps) {}

  /**
   * A subject with an erasure pending or completed gets that request back (erasure is
   * idempotent); otherwise a new one, refused at once when a legal hold is in force.
   */
  async requestErasure({ subjectId }: { subjectId: string }, ctx: RequestContext): Promise<ErasureRequestView> {
    requireMayActFor(ctx, subjectId);
    const { log, bus } = this.deps;
    const existing = await this.erasureOf(ctx.tenantId, subjectId);
    if (existing) {
      await log.audit(ctx, { operation: 'erasure.requested', actorId: ctx.actorId, subjectId, requestId: existing.id, outcome: 'accepted', details: { duplicate: true } });
      return this.getErasure(existing.id, ctx);
    }
    await requireSubject(bus, ctx, subjectId);
    const holds = holdsOn(await log.read(legalHoldsStream(ctx.tenantId), foldHolds), subjectId, this.deps.now().toISOString());
    const requestId = randomUUID();
    const view = await log.commit(ctx, erasureStream(ctx.tenantId, requestId), foldErasure, (state, now) => {
      const events = decided(decideRequestErasure({ requestId, subjectId, requestedBy: ctx.actorId, now, holds }, state));
      const after = events.reduce(evolveErasure, state);
      if (after.status === 'none') throw new Error('an accepted erasure request records ErasureRequested');
      const refusal = after.status === 'refused' ? holds[0] : undefined;
      return {
        events,
        audit: [
          { operation: 'erasure.requested', actorId: ctx.actorId, subjectId, requestId, outcome: 'accepted' },
          ...(refusal
            ? [
                {
                  operation: 'erasure.refused' as const,
                  actorId: ctx.actorId,
                  subjectId,
                  requestId,
                  outcome: 'refused' as const,
                  details: { reason: refusal.reason, holdId: refusal.id },
                },
              ]
            : []),
        ],
        result: erasureView(after, new Date(now)),
      };
    });
    if (view.status === 'pending') this.deps.startErasure(ctx.tenantId, requestId);
    return view;
  }

  async getErasure(requestId: string, ctx: RequestContext): Promise<ErasureRequestView> {
    const state = await this.deps.log.read(erasureStream(ctx.tenantId, requestId), foldErasure);
    if (state.status === 'none' || !mayRead(ctx, state)) throw requestNotFound();
    return erasureView(state, this.deps.now());
  }

  /** An erased subject has nothing left to export: `privacy.subject_erased` (410). */
  async requestExport({ subjectId }: { subjectId: string }, ctx: RequestContext): Promise<ExportRequestView> {
    requireMayActFor(ctx, subjectId);
    const { log, bus } = this.deps;
    const erasure = await this.erasureOf(ctx.tenantId, subjectId);
    if (erasure?.status === 'completed') {
      await log.audit(ctx, { operation: 'export.requested', actorId: ctx.actorId, subjectId, outcome: 'refused', details: { reason: 'subject_erased' } });
      throw subjectErased();
    }
    await requireSubject(bus, ctx, subjectId);
    const requestId = randomUUID();
    const view = await log.commit(ctx, exportStream(ctx.tenantId, requestId), foldExport, (state, now) => {
      const events = decided(decideRequestExport({ requestId, subjectId, requestedBy: ctx.actorId, now }, state));
      const after = events.reduce(evolveExport, state);
      if (after.status === 'none') throw new Error('an accepted export request records ExportRequested');
      return {
        events,
        audit: [{ operation: 'export.requested', actorId: ctx.actorId, subjectId, requestId, outcome: 'accepted' }],
        result: exportView(after, null, new Date(now)),
      };
    });
    this.deps.startExport(ctx.tenantId, requestId);
    return view;
  }

  /** Decrypts the bundle for this answer only; each answer that carries one is audited as served. */
  async getExport(requestId: string, ctx: RequestContext): Promise<ExportRequestView> {
    const state = await this.deps.log.read(exportStream(ctx.tenantId, requestId), foldExport);
    if (state.status === 'none' || !mayRead(ctx, state)) throw requestNotFound();
    const now = this.deps.now();
    const saved = state.status === 'completed' ? await this.deps.bundles.read(ctx.tenantId, requestId, now) : null;
    if (saved) {
      await this.deps.log.audit(ctx, { operation: 'export.served', actorId: ctx.actorId, subjectId: state.subjectId, requestId, outcome: 'succeeded' });
    }
    return exportView(state, saved, now);
  }

  async listRequests(query: RequestOf<typeof ListPrivacyRequests>, ctx: RequestContext): Promise<ResponseOf<typeof ListPrivacyRequests>> {
    requireOfficer(ctx);
    const now = this.deps.now();
    const docs = await this.deps.readModel.find<RequestDocument>(REQUESTS, { tenantId: ctx.tenantId, ...(query.kind ? { kind: query.kind } : {}) });
    const items = docs
      .map(({ id, kind, subjectId, status, requestedAt, dueAt, completedAt }) => ({
        id,
        kind,
        subjectId,
        status,
        requestedAt,
        dueAt,
        completedAt,
        overdue: isOverdue({ status, dueAt }, now),
      }))
      .filter((item) => query.overdue === undefined || item.overdue === query.overdue)
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
    return { items };
  }

  /** Pending requests of every tenant, for resumption after a restart. */
  pending(kind: RequestDocument['kind']): Promise<RequestDocument[]> {
    return this.deps.readModel.find<RequestDocument>(REQUESTS, { kind, status: 'pending' });
  }

  /** The subject's erasure that is pending or done, if any (a refused one does not count). */
  private async erasureOf(tenantId: string, subjectId: string): Promise<RequestDocument | undefined> {
    const docs = await this.deps.readModel.find<RequestDocument>(REQUESTS, { tenantId, subjectId, kind: 'erasure' });
    return docs.find((doc) => doc.status === 'completed') ?? docs.find((doc) => doc.status === 'pending');
  }
}
