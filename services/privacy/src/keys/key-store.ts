import type { Purpose } from '@plass/contracts';

/** A data key at rest: wrapped, and indexed by a keyed hash of its subject, never the subject id. */
export interface StoredKey {
  kid: string;
  tenantId: string;
  subjectRef: Buffer;
  purpose: Purpose;
  /** '' when the key is not scoped to a period. */
  period: string;
  kekId: string;
  wrappedKey: Buffer;
  createdAt: string;
}

export interface ScopeRef {
  tenantId: string;
  subjectRef: Buffer;
  purpose: Purpose;
  period: string;
}

/** The key vault's storage port. */
export interface KeyStore {
  findByScope(scope: ScopeRef): Promise<StoredKey | undefined>;
  /**
   * Atomically: 'fenced' if the subject was erased; else the scope's existing key if one exists
   * (a concurrent create won); else `key`, now stored.
   */
  insertUnlessExists(key: StoredKey): Promise<StoredKey | 'fenced'>;
  findByKids(tenantId: string, kids: string[]): Promise<StoredKey[]>;
  /** Atomically deletes every key of the subject and fences it; returns the destroyed kids. */
  destroySubject(tenantId: string, subjectRef: Buffer, fencedAt: string): Promise<string[]>;
  close(): Promise<void>;
}
