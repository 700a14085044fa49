import { createHmac } from 'node:crypto';
import type { KeyProvider } from '@plass/shredder';

/**
 * The name of a person's limits ledger: an HMAC keyed by their own profile data key. Once the
 * person is erased (keys destroyed) it can neither be recomputed nor linked to them; a fenced
 * subject makes `keyFor` throw SubjectErasedError (`privacy.subject_erased`), so they cannot book.
 */
export class LedgerPseudonyms {
  constructor(private readonly keys: KeyProvider) {}

  async of(tenantId: string, userId: string): Promise<string> {
    const { key } = await this.keys.keyFor({ tenantId, subjectId: userId, purpose: 'profile' });
    return createHmac('sha256', key).update(`ledger/${tenantId}/${userId}`).digest('base64url');
  }
}
