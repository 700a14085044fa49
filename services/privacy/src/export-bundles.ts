import { randomUUID } from 'node:crypto';
import { ExportBundle, pii, type EncryptedValue } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import { SubjectErasedError, type Shredder } from '@plass/shredder';
import { z } from 'zod';

export const BUNDLES = 'export_bundles';
/** Writes to the bundles go through the projection store's transactions under this name (never rebuilt). */
const WRITER = 'privacy_export_bundles';
export const DEFAULT_EXPORT_BUNDLE_TTL_MS = 7 * 86_400_000;

const SealedBundle = z.object({
  bundle: pii(ExportBundle, {
    category: 'free_text',
    purpose: 'profile',
    description: "a subject's export bundle (Art. 15/20), kept for a week (exportBundleTtlMs) after it is assembled, or until the subject is erased",
  }),
});

interface BundleDocument {
  id: string;
  tenantId: string;
  subjectId: string;
  bundle: EncryptedValue;
  /** Bundles saved before bundles expired have none: they count as expired. */
  expiresAt?: string;
}

const aad = (requestId: string) => `export-bundle/${requestId}`;
const expired = (doc: BundleDocument, now: Date) => !doc.expiresAt || Date.parse(doc.expiresAt) <= now.getTime();

/**
 * Assembled export bundles, stored only encrypted under the subject's profile key: the subject's
 * erasure shreds them with everything else, and the bytes at rest are never plaintext. They expire
 * after `ttlMs`, because retention never destroys the profile key: an old bundle would keep
 * bookings readable that retention has anonymized.
 */
export class ExportBundles {
  constructor(
    private readonly store: ProjectionStore,
    private readonly shredder: Shredder,
    private readonly options: { ttlMs: number },
  ) {}

  /**
   * Throws SubjectErasedError when the subject's keys are gone: there is nothing to export any more.
   * That includes keys destroyed while this bundle was sealed: the erasure may already have forgotten
   * the subject's bundles, so this one is deleted again rather than left behind.
   */
  async save(tenantId: string, requestId: string, bundle: ExportBundle): Promise<void> {
    const sealed = await this.shredder.encrypt(SealedBundle, { bundle }, { tenantId, subjectId: bundle.subjectId, aad: aad(requestId) });
    const expiresAt = new Date(Date.parse(bundle.generatedAt) + this.options.ttlMs).toISOString();
    const doc: BundleDocument = { id: requestId, tenantId, subjectId: bundle.subjectId, bundle: sealed.bundle as EncryptedValue, expiresAt };
    await this.store.apply(WRITER, randomUUID(), (tx) => tx.put(BUNDLES, requestId, doc));
    if ((await this.open(tenantId, doc)) === null) {
      await this.store.apply(WRITER, randomUUID(), (tx) => tx.delete(BUNDLES, requestId));
      throw new SubjectErasedError();
    }
  }

  /** `null` when there is none, it expired at `now`, or it was shredded. */
  async read(tenantId: string, requestId: string, now: Date): Promise<{ bundle: ExportBundle; expiresAt: string } | null> {
    const doc = await this.store.get<BundleDocument>(BUNDLES, requestId);
    if (!doc || doc.tenantId !== tenantId || expired(doc, now)) return null;
    const bundle = await this.open(tenantId, doc);
    return bundle ? { bundle, expiresAt: doc.expiresAt! } : null;
  }

  /** Deletes every bundle expired at `now`; answers how many. */
  async expire(now: Date): Promise<number> {
    const docs = (await this.store.find<BundleDocument>(BUNDLES, {})).filter((doc) => expired(doc, now));
    if (docs.length > 0) await this.store.apply(WRITER, randomUUID(), (tx) => docs.forEach((doc) => tx.delete(BUNDLES, doc.id)));
    return docs.length;
  }

  /** Drops the subject's bundles (already unreadable once their keys are gone). */
  async forget(tenantId: string, subjectId: string): Promise<number> {
    const docs = await this.store.find<BundleDocument>(BUNDLES, { tenantId, subjectId });
    if (docs.length > 0) await this.store.apply(WRITER, randomUUID(), (tx) => docs.forEach((doc) => tx.delete(BUNDLES, doc.id)));
    return docs.length;
  }

  private async open(tenantId: string, doc: BundleDocument): Promise<ExportBundle | null> {
    const { data, redacted } = await this.shredder.decrypt(SealedBundle, { bundle: doc.bundle }, { tenantId, aad: aad(doc.id) });
    return redacted.length > 0 ? null : (data.bundle as ExportBundle);
  }
}
