import type { Bus } from '@plass/bus';
import type { EventStore } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import { Shredder } from '@plass/shredder';
import type { Logger } from '@plass/telemetry';
import { BackgroundWork } from './background.js';
import { ControllerApp } from './controller-app.js';
import type { SubProcessors } from './domain/sub-processors.js';
import { erasedSubjects } from './erased-subjects.js';
import { ErasureSaga } from './erasure-saga.js';
import { PrivacyLog } from './event-log.js';
import { ExportAssembler } from './export-assembler.js';
import { ExportBundles } from './export-bundles.js';
import type { KeyVault } from './keys/index.js';
import { PolicyApp } from './policy-app.js';
import type { PrivacyApps } from './privacy-handlers.js';
import { forgetInReadModel, type RequestDocument } from './read-model.js';
import { DEFAULT_RECORD_RETENTION_DAYS, RecordRetention } from './record-retention.js';
import { RecordsApp } from './records-app.js';
import { RequestsApp } from './requests-app.js';
import { RestrictionsApp } from './restrictions-app.js';
import { VaultKeys } from './vault-keys.js';

export interface PrivacyCoreDeps {
  bus: Bus;
  vault: KeyVault;
  events: EventStore;
  readModel: ProjectionStore;
  logger: Logger;
  now: () => Date;
  /** Services that take part in erasure and export (privacy itself always does). */
  participants: readonly string[];
  participantTimeoutMs: number;
  /** How long a completed export's bundle is kept. */
  exportBundleTtlMs: number;
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** The operator's own processors, listed in every tenant's record of processing (PLASS_SUB_PROCESSORS). */
  platformSubProcessors?: SubProcessors;
  /** Days the audit log and finished requests are kept (PLASS_PRIVACY_RECORD_RETENTION_DAYS). */
  recordRetentionDays?: number;
}

/** The privacy application: its apps, and the background work (sagas, export assembly) they start. */
export class PrivacyCore {
  readonly log: PrivacyLog;
  readonly apps: PrivacyApps;
  private readonly background: BackgroundWork;
  private readonly saga: ErasureSaga;
  private readonly assembler: ExportAssembler;
  private readonly bundles: ExportBundles;
  private readonly retention: RecordRetention;
  private readonly now: () => Date;

  constructor(deps: PrivacyCoreDeps) {
    const { bus, vault, readModel, logger, now, participants } = deps;
    const log = new PrivacyLog(deps.events, now);
    const shredder = new Shredder(new VaultKeys(vault));
    const bundles = new ExportBundles(readModel, shredder, { ttlMs: deps.exportBundleTtlMs });
    const controller = new ControllerApp({ log, shredder, vault });
    const erased = erasedSubjects(vault);
    const policy = new PolicyApp({ log, readModel, erased });
    const records = new RecordsApp({
      log,
      bus,
      erased,
      now,
      contact: (tenantId) => controller.contact(tenantId),
      platformSubProcessors: deps.platformSubProcessors ?? [],
    });
    const restrictions = new RestrictionsApp({ log, bus, erased, logger });
    this.log = log;
    this.bundles = bundles;
    this.retention = new RecordRetention({ events: deps.events, readModel, log, now, retentionDays: deps.recordRetentionDays ?? DEFAULT_RECORD_RETENTION_DAYS });
    this.now = now;
    this.background = new BackgroundWork({
      ...deps.retry,
      onError: (key, err, attempt) => logger.warn({ err, work: key, attempt }, 'privacy request step failed; retrying'),
    });
    this.saga = new ErasureSaga({
      log,
      bus,
      vault,
      participants,
      now,
      timeoutMs: deps.participantTimeoutMs,
      forgetLocally: async (tenantId, subjectId) => {
        await bundles.forget(tenantId, subjectId);
        await forgetInReadModel(readModel, tenantId, subjectId);
      },
      holds: (tenantId, subjectId) => records.activeHolds(tenantId, subjectId),
    });
    this.assembler = new ExportAssembler({
      log,
      bus,
      bundles,
      participants,
      now,
      timeoutMs: deps.participantTimeoutMs,
      ownSections: async (tenantId, subjectId) => {
        const [consents, restricted] = await Promise.all([policy.consentsOf(tenantId, subjectId), restrictions.restrictionsOf(tenantId, subjectId)]);
        return { consents, restrictions: restricted.map(({ id, ground, placedAt }) => ({ id, ground, placedAt })) };
      },
    });
    this.apps = {
      requests: new RequestsApp({
        log,
        readModel,
        bus,
        bundles,
        now,
        startErasure: (tenantId, requestId) => void this.runErasure(tenantId, requestId),
        startExport: (tenantId, requestId) => void this.runExport(tenantId, requestId),
      }),
      policy,
      records,
      restrictions,
      controller,
    };
  }

  runErasure(tenantId: string, requestId: string): Promise<void> {
    return this.background.run(`erasure:${tenantId}:${requestId}`, () => this.saga.run(tenantId, requestId));
  }

  runExport(tenantId: string, requestId: string): Promise<void> {
    return this.background.run(`export:${tenantId}:${requestId}`, () => this.assembler.run(tenantId, requestId));
  }

  /**
   * Continues every pending erasure and export (after a restart, or a participant that was down).
   * Requests waiting for their retry's backoff are left to it unless `force`. Answers how many ran.
   */
  async resume({ force }: { force: boolean }): Promise<number> {
    const [erasures, exports] = await Promise.all([this.apps.requests.pending('erasure'), this.apps.requests.pending('export')]);
    const due = (kind: string) => (doc: RequestDocument) => force || !this.background.waiting(`${kind}:${doc.tenantId}:${doc.id}`);
    const runs = [
      ...erasures.filter(due('erasure')).map((doc) => this.runErasure(doc.tenantId, doc.id)),
      ...exports.filter(due('export')).map((doc) => this.runExport(doc.tenantId, doc.id)),
    ];
    await Promise.all(runs);
    return runs.length;
  }

  /** Deletes the export bundles whose time is up; answers how many. */
  expireExportBundles(): Promise<number> {
    return this.bundles.expire(this.now());
  }

  /** Deletes the audit-log days and finished request records whose retention has passed. */
  expireRecords(): Promise<{ auditDays: number; requests: number }> {
    return this.retention.run();
  }

  /** Resolves once no saga or assembly is running. */
  idle(): Promise<void> {
    return this.background.idle();
  }

  stop(): Promise<void> {
    return this.background.stop();
  }
}
