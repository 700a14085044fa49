import { randomUUID } from 'node:crypto';
import { auditEvent } from './audit.js';

const now = '2031-01-31T10:00:00.000Z';
const subjectId = randomUUID();

describe('an audit entry', () => {
  it('records what privacy itself writes: counts, codes and ids', () => {
    const entries = [
      { operation: 'keys.destroyed', subjectId, outcome: 'succeeded', details: { keys: 3, reason: 'erasure' } },
      { operation: 'keys.retention_destroyed', outcome: 'succeeded', details: { keys: 1, purpose: 'booking', periodsBefore: '2030-W10' } },
      { operation: 'erasure.refused', subjectId, outcome: 'refused', details: { reason: 'litigation', holdId: randomUUID() } },
      { operation: 'erasure.requested', subjectId, outcome: 'accepted', details: { duplicate: true } },
      { operation: 'policy.published', outcome: 'succeeded', details: { version: '2030-03', requireAcknowledgement: true } },
      { operation: 'export.completed', subjectId, outcome: 'failed', details: { reason: 'subject_erased' } },
    ] as const;
    for (const entry of entries) expect(auditEvent(entry, randomUUID(), now).data).toMatchObject({ ...entry, at: now });
  });

  it('is never written with free text in its details', () => {
    expect(() => auditEvent({ operation: 'legal_hold.placed', subjectId, outcome: 'succeeded', details: { reference: 'Case v John Smith' } }, randomUUID(), now)).toThrow();
  });
});
