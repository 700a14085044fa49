import { randomBytes } from 'node:crypto';
import type { KeyScope } from '@plass/contracts';
import type { KeyStore, StoredKey } from './key-store.js';
import { MasterKeyMaterial } from './key-wrapping.js';

export type KeyOrErased = { kid: string; key: Buffer } | { erased: true };

export interface KeyVaultOptions {
  /** 32 bytes; everything at rest is wrapped or keyed with keys derived from it. */
  masterKey: Buffer;
  now?: () => Date;
}

const newKid = () => `k_${randomBytes(16).toString('base64url')}`;

/** Per-subject data keys: minted on first use, handed out unwrapped, destroyed for good on erasure. */
export class KeyVault {
  private readonly material: MasterKeyMaterial;
  private readonly now: () => Date;

  constructor(
    private readonly store: KeyStore,
    options: KeyVaultOptions,
  ) {
    this.material = new MasterKeyMaterial(options.masterKey);
    this.now = options.now ?? (() => new Date());
  }

  /** In the order of `scopes`. A fenced subject gets `{erased: true}`, never a new key. */
  async getOrCreateKeys(tenantId: string, scopes: KeyScope[]): Promise<KeyOrErased[]> {
    const answers = new Map<string, Promise<KeyOrErased>>();
    return Promise.all(
      scopes.map((scope) => {
        const id = `${scope.subjectId}/${scope.purpose}/${scope.period ?? ''}`;
        if (!answers.has(id)) answers.set(id, this.getOrCreateKey(tenantId, scope));
        return answers.get(id)!;
      }),
    );
  }

  /** In the order of `kids`; `null` for a kid destroyed, unknown, or of another tenant. */
  async getKeys(tenantId: string, kids: string[]): Promise<Array<{ kid: string; key: Buffer | null }>> {
    const found = new Map((await this.store.findByKids(tenantId, kids)).map((row) => [row.kid, row]));
    return kids.map((kid) => {
      const row = found.get(kid);
      return { kid, key: row ? this.unwrap(row) : null };
    });
  }

  /** Destroys every key of the subject and fences it. Idempotent; returns the kids destroyed now. */
  async destroySubjectKeys(tenantId: string, subjectId: string): Promise<string[]> {
    return this.store.destroySubject(tenantId, this.material.subjectRef(tenantId, subjectId), this.now().toISOString());
  }

  private async getOrCreateKey(tenantId: string, scope: KeyScope): Promise<KeyOrErased> {
    const ref = {
      tenantId,
      subjectRef: this.material.subjectRef(tenantId, scope.subjectId),
      purpose: scope.purpose,
      period: scope.period ?? '',
    };
    const existing = await this.store.findByScope(ref);
    if (existing) return { kid: existing.kid, key: this.unwrap(existing) };

    const kid = newKid();
    const stored = await this.store.insertUnlessExists({
      ...ref,
      kid,
      kekId: this.material.kekId,
      wrappedKey: this.material.wrap(randomBytes(32), tenantId, kid),
      createdAt: this.now().toISOString(),
    });
    if (stored === 'fenced') return { erased: true };
    return { kid: stored.kid, key: this.unwrap(stored) };
  }

  private unwrap(row: StoredKey): Buffer {
    if (row.kekId !== this.material.kekId) {
      throw new Error(`Data key ${row.kid} is wrapped under ${row.kekId}, which this vault does not hold`);
    }
    return this.material.unwrap(row.wrappedKey, row.tenantId, row.kid);
  }
}
