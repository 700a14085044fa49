import { decided, exportSubject, type RequestContext } from '@plass/contracts';
import type { Bus } from '@plass/bus';
import { SubjectErasedError } from '@plass/shredder';
import type { AuditInput } from './domain/audit.js';
import { assembleBundle, type ServiceSections } from './domain/bundle.js';
import { decideCompleteExport, evolveExport, initialExport } from './domain/export-request.js';
import { foldRecorded, type PrivacyLog } from './event-log.js';
import type { ExportBundles } from './export-bundles.js';
import { exportStream } from './streams.js';

export const foldExport = foldRecorded(initialExport, evolveExport);

export interface ExportAssemblerDeps {
  log: PrivacyLog;
  bus: Pick<Bus, 'request'>;
  bundles: ExportBundles;
  participants: readonly string[];
  /** Privacy's own sections (the subject's consents). */
  ownSections(tenantId: string, subjectId: string): Promise<Record<string, unknown>>;
  now: () => Date;
  timeoutMs: number;
}

/** Assembles an export (Art. 15/20) from every participant's answer; all of them or none, retried until complete. */
export class ExportAssembler {
  constructor(private readonly deps: ExportAssemblerDeps) {}

  async run(tenantId: string, requestId: string): Promise<void> {
    const { log, bus, participants, timeoutMs } = this.deps;
    const streamId = exportStream(tenantId, requestId);
    const loaded = await log.load(streamId, foldExport);
    const state = loaded.state;
    if (state.status !== 'pending') return;
    const ctx: RequestContext = { tenantId, roles: [], correlationId: String(loaded.events[0]!.metadata.correlationId) };
    const { subjectId } = state;
    const answers: ServiceSections[] = await Promise.all(
      participants.map(async (service) => ({ service, sections: (await bus.request(exportSubject(service), { subjectId }, ctx, { timeoutMs })).sections })),
    );
    answers.push({ service: 'privacy', sections: await this.deps.ownSections(tenantId, subjectId) });
    const bundle = assembleBundle(subjectId, this.deps.now().toISOString(), answers);
    let erased = false;
    try {
      await this.deps.bundles.save(tenantId, requestId, bundle);
    } catch (error) {
      if (!(error instanceof SubjectErasedError)) throw error;
      erased = true;
    }
    await log.commit(ctx, streamId, foldExport, (current, now) => {
      const events = decided(decideCompleteExport({ now }, current));
      const completed: AuditInput = erased
        ? { operation: 'export.completed', subjectId, requestId, outcome: 'failed', details: { reason: 'subject_erased' } }
        : { operation: 'export.completed', subjectId, requestId, outcome: 'succeeded', details: { services: answers.length } };
      const audit = events.length === 0 ? [] : [completed];
      return { events, audit, result: undefined };
    });
  }
}
