import { randomUUID } from 'node:crypto';
import type { EventStore } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { PrivacyLog } from './event-log.js';
import { RECORD_DAYS, RECORD_RETENTION, REQUESTS, type RecordDayDocument, type RecordRetentionDocument } from './read-model.js';
import { auditStream, erasureStream, exportStream } from './streams.js';

const DAY_MS = 86_400_000;
/** Days one round works through, so a service that was down for long catches up in bounded steps. */
const DAYS_PER_ROUND = 400;

/** Three years: the common limitation period for claims about how a request was handled (e.g. § 195 BGB, Art. 82 GDPR damages). */
export const DEFAULT_RECORD_RETENTION_DAYS = 1095;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface RecordRetentionDeps {
  events: EventStore;
  readModel: ProjectionStore;
  log: PrivacyLog;
  now: () => Date;
  retentionDays: number;
}

/**
 * Retention of the privacy service's own records (ADR 0011): the audit log's days and the records
 * of finished erasure and export requests are deleted `retentionDays` after the day they were
 * written or closed. Ids, codes and times only, so they were never shredded; an erased person
 * stays erased, as the key vault's fence is not a record that expires.
 */
export class RecordRetention {
  constructor(private readonly deps: RecordRetentionDeps) {}

  async run(): Promise<{ auditDays: number; requests: number }> {
    const { events, readModel, now, retentionDays } = this.deps;
    const cutoff = dayOf(now().getTime() - retentionDays * DAY_MS);
    const first = await readModel.get<RecordRetentionDocument>(RECORD_RETENTION, 'first');
    const expired = { auditDays: 0, requests: 0 };
    const perTenant = new Map<string, { auditDays: number; requests: number }>();
    const count = (tenantId: string, field: 'auditDays' | 'requests') => {
      const counts = perTenant.get(tenantId) ?? { auditDays: 0, requests: 0 };
      counts[field] += 1;
      expired[field] += 1;
      perTenant.set(tenantId, counts);
    };
    let day = first?.day;
    for (let round = 0; day !== undefined && day < cutoff && round < DAYS_PER_ROUND; round += 1) {
      const doc = await readModel.get<RecordDayDocument>(RECORD_DAYS, day);
      for (const tenantId of doc?.audit ?? []) {
        await events.deleteStream(auditStream(tenantId, day));
        count(tenantId, 'auditDays');
      }
      for (const { tenantId, requestId, kind } of doc?.requests ?? []) {
        await events.deleteStream(kind === 'erasure' ? erasureStream(tenantId, requestId) : exportStream(tenantId, requestId));
        count(tenantId, 'requests');
      }
      const next = dayOf(Date.parse(`${day}T00:00:00Z`) + DAY_MS);
      await readModel.apply('privacy_record_retention', randomUUID(), (tx) => {
        for (const { requestId } of doc?.requests ?? []) tx.delete(REQUESTS, requestId);
        tx.delete(RECORD_DAYS, day!);
        tx.put(RECORD_RETENTION, 'first', { id: 'first', day: next } satisfies RecordRetentionDocument);
      });
      day = next;
    }
    for (const [tenantId, counts] of perTenant) {
      await this.deps.log.audit(
        { tenantId, roles: [], correlationId: randomUUID() },
        { operation: 'records.expired', outcome: 'succeeded', details: { ...counts, before: cutoff } },
      );
    }
    return expired;
  }
}
