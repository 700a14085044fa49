import { DomainFailure, domainError, type Purpose } from '@plass/contracts';

/** An unwrapped data key: 32 bytes for AES-256-GCM. */
export interface DataKey {
  kid: string;
  key: Buffer;
}

export interface KeyScope {
  tenantId: string;
  subjectId: string;
  purpose: Purpose;
  period?: string;
}

export interface KeyProvider {
  /** Throws SubjectErasedError for a fenced subject: no key is ever minted for it again. */
  keyFor(scope: KeyScope): Promise<DataKey>;
  /** `null` = destroyed or unknown (or another tenant's): the value is shredded. */
  keysById(tenantId: string, kids: string[]): Promise<Map<string, Buffer | null>>;
}

export class SubjectErasedError extends DomainFailure {
  readonly code = 'privacy.subject_erased' as const;
  constructor() {
    super(domainError('privacy.subject_erased', 'The data subject has been erased'));
    this.name = 'SubjectErasedError';
  }
}
