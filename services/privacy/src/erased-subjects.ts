import type { KeyVault } from './keys/index.js';

export type IsErased = (tenantId: string, subjectId: string) => Promise<boolean>;

/**
 * Whether the subject's data is gone: the erasure destroyed their keys and fenced them. The fence
 * is the vault's, so it holds after the erasure's own record has expired (ADR 0011).
 */
export const erasedSubjects =
  (vault: Pick<KeyVault, 'isFenced'>): IsErased =>
  (tenantId, subjectId) =>
    vault.isFenced(tenantId, subjectId);
