import type { ProjectionStore } from '@plass/projections';
import { keysDestroyed } from './domain/erasure.js';
import { foldErasure } from './erasure-saga.js';
import type { PrivacyLog } from './event-log.js';
import { REQUESTS, type RequestDocument } from './read-model.js';
import { erasureStream } from './streams.js';

export type IsErased = (tenantId: string, subjectId: string) => Promise<boolean>;

/** Whether the subject's data is gone: an erasure of theirs completed, or is pending past the destruction of their keys. */
export const erasedSubjects =
  ({ log, readModel }: { log: PrivacyLog; readModel: ProjectionStore }): IsErased =>
  async (tenantId, subjectId) => {
    const erasures = await readModel.find<RequestDocument>(REQUESTS, { tenantId, subjectId, kind: 'erasure' });
    if (erasures.some((doc) => doc.status === 'completed')) return true;
    const pending = erasures.filter((doc) => doc.status === 'pending');
    const states = await Promise.all(pending.map((doc) => log.read(erasureStream(tenantId, doc.id), foldErasure)));
    return states.some(keysDestroyed);
  };
