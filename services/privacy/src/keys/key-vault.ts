import { randomBytes } from 'node:crypto';
import type { KeyScope, Purpose } from '@plass/contracts';
import type { KeyStore, StoredKey } from './key-store.js';
import { KekRing, SubjectRefs, dataKeyAad, secretAad } from './key-wrapping.js';

export type KeyOrErased = { kid: string; key: Buffer } | { erased: true };

export interface KeyVaultOptions {
  /** 32 bytes (PLASS_MASTER_KEY): new keys are wrapped under the KEK derived from it. */
  masterKey: Buffer;
  /**
   * Master keys being retired (PLASS_MASTER_KEY_PREVIOUS): rows wrapped under them stay readable
   * until `rewrapAll` has moved them to `masterKey`.
   */
  previousMasterKeys?: Buffer[];
  now?: () => Date;
}

const SUBJECT_REF_SECRET = 'subject-ref';
const REWRAP_BATCH = 500;

const newKid = () => `k_${randomBytes(16).toString('base64url')}`;

/**
 * Per-subject data keys: minted on first use, handed out unwrapped, destroyed for good on erasure
 * (and by period for retention). A fenced subject never gets a key again.
 */
export class KeyVault {
  private readonly keks: KekRing;
  private readonly now: () => Date;
  private subjectRefs?: Promise<SubjectRefs>;

  constructor(
    private readonly store: KeyStore,
    options: KeyVaultOptions,
  ) {
    this.keks = new KekRing(options.masterKey, options.previousMasterKeys);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Loads the vault's subject-ref key, storing it on first start. Every call that needs it waits
   * for it; call it at start-up to fail fast on a master key that does not fit the vault.
   */
  async ready(): Promise<void> {
    await this.refs();
  }

  /** In the order of `scopes`. A fenced subject gets `{erased: true}`, never a new key. */
  async getOrCreateKeys(tenantId: string, scopes: KeyScope[]): Promise<KeyOrErased[]> {
    const refs = await this.refs();
    const answers = new Map<string, Promise<KeyOrErased>>();
    return Promise.all(
      scopes.map((scope) => {
        const id = `${scope.subjectId}/${scope.purpose}/${scope.period ?? ''}`;
        if (!answers.has(id)) answers.set(id, this.getOrCreateKey(refs, tenantId, scope));
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

  /** Whether the subject's keys were destroyed on erasure: no key is minted for them again. */
  async isFenced(tenantId: string, subjectId: string): Promise<boolean> {
    const refs = await this.refs();
    return this.store.isFenced(tenantId, refs.of(tenantId, subjectId));
  }

  /** Destroys every key of the subject and fences it. Idempotent; returns the kids destroyed now. */
  async destroySubjectKeys(tenantId: string, subjectId: string): Promise<string[]> {
    const refs = await this.refs();
    return this.store.destroySubject(tenantId, refs.of(tenantId, subjectId), this.now().toISOString());
  }

  /**
   * Retention: destroys the tenant's keys of `purpose` whose period sorts before `periodsBefore`,
   * except those of `heldSubjects` (a legal hold keeps their data, Art. 17(3)); the next round
   * after a hold ends destroys what is due. Keys without a period stay, and nobody is fenced:
   * later periods still get keys.
   */
  async destroyExpiredKeys(tenantId: string, purpose: Purpose, periodsBefore: string, heldSubjects: readonly string[] = []): Promise<string[]> {
    const refs = await this.refs();
    return this.store.destroyPeriodsBefore(
      tenantId,
      purpose,
      periodsBefore,
      heldSubjects.map((subjectId) => refs.of(tenantId, subjectId)),
    );
  }

  /**
   * Re-wraps every key (and the subject-ref key) held under a previous KEK with the current one,
   * in batches; kids, keys and events stay as they are. Safe to run on several replicas at once.
   * Returns how many data keys it re-wrapped.
   */
  async rewrapAll(batchSize = REWRAP_BATCH): Promise<number> {
    await this.refs();
    await this.rewrapSubjectRefSecret();
    const current = this.keks.current;
    let rewrapped = 0;
    let after = '';
    for (;;) {
      const rows = await this.store.findWrappedOtherThan(current.id, after, batchSize);
      if (rows.length === 0) return rewrapped;
      rewrapped += await this.store.rewrap(
        rows.map((row) => {
          const key = this.unwrap(row);
          const wrappedKey = current.wrap(key, dataKeyAad(row.tenantId, row.kid));
          key.fill(0);
          return { kid: row.kid, fromKekId: row.kekId, kekId: current.id, wrappedKey };
        }),
      );
      after = rows.at(-1)!.kid;
    }
  }

  private refs(): Promise<SubjectRefs> {
    this.subjectRefs ??= this.loadSubjectRefs().catch((error: unknown) => {
      this.subjectRefs = undefined;
      throw error;
    });
    return this.subjectRefs;
  }

  /**
   * Subject refs must survive rotation, so the vault keeps one subject-ref key for good, wrapped in
   * the store. It is the one the first master key derives, as vaults did before it was stored:
   * if rows exist under an older KEK than the current, that one is the first.
   */
  private async loadSubjectRefs(): Promise<SubjectRefs> {
    let secret = await this.store.findSecret(SUBJECT_REF_SECRET);
    if (!secret) {
      const current = this.keks.current;
      const [legacy] = await this.store.findWrappedOtherThan(current.id, '', 1);
      const first = legacy ? this.keks.get(legacy.kekId, `Data key ${legacy.kid}`) : current;
      secret = await this.store.insertSecretUnlessExists({
        name: SUBJECT_REF_SECRET,
        kekId: current.id,
        wrapped: current.wrap(first.initialSubjectRefKey, secretAad(SUBJECT_REF_SECRET)),
        createdAt: this.now().toISOString(),
      });
    }
    const what = `Vault secret ${secret.name}`;
    return new SubjectRefs(this.keks.get(secret.kekId, what).unwrap(secret.wrapped, secretAad(secret.name), what));
  }

  private async rewrapSubjectRefSecret(): Promise<void> {
    const secret = (await this.store.findSecret(SUBJECT_REF_SECRET))!;
    const current = this.keks.current;
    if (secret.kekId === current.id) return;
    const what = `Vault secret ${secret.name}`;
    const key = this.keks.get(secret.kekId, what).unwrap(secret.wrapped, secretAad(secret.name), what);
    await this.store.rewrapSecret(secret.name, secret.kekId, current.id, current.wrap(key, secretAad(secret.name)));
    key.fill(0);
  }

  private async getOrCreateKey(refs: SubjectRefs, tenantId: string, scope: KeyScope): Promise<KeyOrErased> {
    const ref = {
      tenantId,
      subjectRef: refs.of(tenantId, scope.subjectId),
      purpose: scope.purpose,
      period: scope.period ?? '',
    };
    const existing = await this.store.findByScope(ref);
    if (existing) return { kid: existing.kid, key: this.unwrap(existing) };

    const kid = newKid();
    const stored = await this.store.insertUnlessExists({
      ...ref,
      kid,
      kekId: this.keks.current.id,
      wrappedKey: this.keks.current.wrap(randomBytes(32), dataKeyAad(tenantId, kid)),
      createdAt: this.now().toISOString(),
    });
    if (stored === 'fenced') return { erased: true };
    return { kid: stored.kid, key: this.unwrap(stored) };
  }

  private unwrap(row: StoredKey): Buffer {
    const what = `Data key ${row.kid}`;
    return this.keks.get(row.kekId, what).unwrap(row.wrappedKey, dataKeyAad(row.tenantId, row.kid), what);
  }
}
