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

/** A secret of the vault itself (the subject-ref key), wrapped like a data key. */
export interface StoredSecret {
  name: string;
  kekId: string;
  wrapped: Buffer;
  createdAt: string;
}

/** A new wrapping for a data key, applied only if the row is still wrapped under `fromKekId`. */
export interface Rewrap {
  kid: string;
  fromKekId: string;
  kekId: string;
  wrappedKey: Buffer;
}

/**
 * The key vault's storage port. Every destruction is physical as far as the store can make it
 * (the ADR 0010 table); no destruction un-fences a subject.
 */
export interface KeyStore {
  findByScope(scope: ScopeRef): Promise<StoredKey | undefined>;
  /**
   * 'fenced' if the subject was erased; else the scope's existing key if one exists (a concurrent
   * create won); else `key`, now stored. No key of a fenced subject outlives its fencing.
   */
  insertUnlessExists(key: StoredKey): Promise<StoredKey | 'fenced'>;
  findByKids(tenantId: string, kids: string[]): Promise<StoredKey[]>;
  /** Whether the subject was erased (fenced); a fence outlives every record of the erasure. */
  isFenced(tenantId: string, subjectRef: Buffer): Promise<boolean>;
  /** Deletes every key of the subject and fences it; returns the destroyed kids. */
  destroySubject(tenantId: string, subjectRef: Buffer, fencedAt: string): Promise<string[]>;
  /**
   * Retention: deletes the tenant's keys of `purpose` whose non-empty period sorts (as text)
   * before `periodsBefore`; returns their kids. Fences nobody.
   */
  /** `keep`: subject refs whose keys stay (people under a legal hold). */
  destroyPeriodsBefore(tenantId: string, purpose: Purpose, periodsBefore: string, keep?: readonly Buffer[]): Promise<string[]>;
  /** Keys wrapped under any KEK but `kekId`, in kid order after `afterKid`, at most `limit`. */
  findWrappedOtherThan(kekId: string, afterKid: string, limit: number): Promise<StoredKey[]>;
  /** Applies the rewraps whose row still exists under its `fromKekId`; returns how many. */
  rewrap(rewraps: Rewrap[]): Promise<number>;
  findSecret(name: string): Promise<StoredSecret | undefined>;
  /** Stores `secret` unless one of that name exists; returns the stored one either way. */
  insertSecretUnlessExists(secret: StoredSecret): Promise<StoredSecret>;
  /** Replaces the secret's wrapping if it is still under `fromKekId`; whether it did. */
  rewrapSecret(name: string, fromKekId: string, kekId: string, wrapped: Buffer): Promise<boolean>;
  close(): Promise<void>;
}
