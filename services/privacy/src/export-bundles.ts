import { randomUUID } from 'node:crypto';
import { ExportBundle, pii, type EncryptedValue } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { z } from 'zod';

export const BUNDLES = 'export_bundles';
/** Writes to the bundles go through the projection store's transactions under this name (never rebuilt). */
const WRITER = 'privacy_export_bundles';

const SealedBundle = z.object({
  bundle: pii(ExportBundle, {
    category: 'free_text',
    purpose: 'profile',
    description: "a subject's export bundle (Art. 15/20), kept until it is served or the subject is erased",
  }),
});

interface BundleDocument {
  id: string;
  tenantId: string;
  subjectId: string;
  bundle: EncryptedValue;
}

const aad = (requestId: string) => `export-bundle/${requestId}`;

/**
 * Assembled export bundles, stored only encrypted under the subject's profile key: the subject's
 * erasure shreds them with everything else, and the bytes at rest are never plaintext.
 */
export class ExportBundles {
  constructor(
    private readonly store: ProjectionStore,
    private readonly shredder: Shredder,
  ) {}

  /** Throws SubjectErasedError when the subject's keys are gone: there is nothing to export any more. */
  async save(tenantId: string, requestId: string, bundle: ExportBundle): Promise<void> {
    const sealed = await this.shredder.encrypt(SealedBundle, { bundle }, { tenantId, subjectId: bundle.subjectId, aad: aad(requestId) });
    const doc: BundleDocument = { id: requestId, tenantId, subjectId: bundle.subjectId, bundle: sealed.bundle as EncryptedValue };
    await this.store.apply(WRITER, randomUUID(), (tx) => tx.put(BUNDLES, requestId, doc));
  }

  /** `null` when there is none, or it was shredded. */
  async read(tenantId: string, requestId: string): Promise<ExportBundle | null> {
    const doc = await this.store.get<BundleDocument>(BUNDLES, requestId);
    if (!doc || doc.tenantId !== tenantId) return null;
    const { data, redacted } = await this.shredder.decrypt(SealedBundle, { bundle: doc.bundle }, { tenantId, aad: aad(requestId) });
    return redacted.length > 0 ? null : (data.bundle as ExportBundle);
  }

  /** Drops the subject's bundles (already unreadable once their keys are gone). */
  async forget(tenantId: string, subjectId: string): Promise<number> {
    const docs = await this.store.find<BundleDocument>(BUNDLES, { tenantId, subjectId });
    if (docs.length > 0) await this.store.apply(WRITER, randomUUID(), (tx) => docs.forEach((doc) => tx.delete(BUNDLES, doc.id)));
    return docs.length;
  }
}
