import type { Purpose } from '@plass/contracts';

/** One destruction that destroyed at least one key. Ids and counts only, never a kid or key. */
export type KeysDestroyedAudit =
  { reason: 'erasure'; tenantId: string; subjectId: string; count: number } | { reason: 'retention'; tenantId: string; purpose: Purpose; periodsBefore: string; count: number };

/**
 * Where the key handlers report destructions (the privacy audit log). Called after the keys are
 * gone and KeysDestroyed is broadcast. A rejection fails the request, but the keys stay destroyed
 * and a retry destroys, and so reports, nothing: a sink that can fail loses that entry.
 */
export interface KeyAudit {
  keysDestroyed(event: KeysDestroyedAudit): Promise<void>;
}
