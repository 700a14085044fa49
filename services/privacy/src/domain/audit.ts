import { AuditRecorded, type EventData } from '@plass/contracts';
import type { Recorded } from './recorded.js';

export type AuditInput = Omit<EventData<'AuditRecorded'>, 'auditId' | 'at'>;

/**
 * An audit entry: what was done, by whom, to whose data, with what outcome — ids, codes and counts
 * only. Checked against the contract here, because a stored entry that breaks it would fail every
 * later read of its day's log.
 */
export const auditEvent = (input: AuditInput, auditId: string, now: string): Recorded => ({
  type: 'AuditRecorded',
  data: AuditRecorded.data.parse({
    auditId,
    operation: input.operation,
    ...(input.actorId ? { actorId: input.actorId } : {}),
    ...(input.subjectId ? { subjectId: input.subjectId } : {}),
    ...(input.requestId ? { requestId: input.requestId } : {}),
    outcome: input.outcome,
    at: now,
    ...(input.details ? { details: input.details } : {}),
  }),
  at: now,
});
