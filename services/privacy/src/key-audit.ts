import { randomUUID } from 'node:crypto';
import type { AuditInput } from './domain/audit.js';
import type { PrivacyLog } from './event-log.js';
import type { KeyAudit, KeysDestroyedAudit } from './keys/index.js';

const entryOf = (event: KeysDestroyedAudit): AuditInput =>
  event.reason === 'erasure'
    ? { operation: 'keys.destroyed', subjectId: event.subjectId, outcome: 'succeeded', details: { keys: event.count, reason: 'erasure' } }
    : { operation: 'keys.retention_destroyed', outcome: 'succeeded', details: { keys: event.count, purpose: event.purpose, periodsBefore: event.periodsBefore } };

/** The key vault's destructions (on request, and for retention) in the tenant's audit log, done by plass itself. */
export const auditedKeys = (log: PrivacyLog): KeyAudit => ({
  keysDestroyed: (event) => log.audit({ tenantId: event.tenantId, roles: [], correlationId: randomUUID() }, entryOf(event)),
});
