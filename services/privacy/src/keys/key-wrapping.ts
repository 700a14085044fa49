import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

const derive = (masterKey: Buffer, info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));

/** Associated data of a wrapped data key: a row cannot be moved to another tenant or kid. */
export const dataKeyAad = (tenantId: string, kid: string) => `${tenantId}/${kid}`;
/** Associated data of a wrapped vault secret; never a tenant id, so never a data key's. */
export const secretAad = (name: string) => `plass/privacy/secret/${name}`;

/**
 * The key-encryption key derived from one master key. Separate HKDF outputs keep each use of the
 * master key independent: wrapping, naming the KEK, and the subject-ref key of vaults created under it.
 */
export class KeyEncryptionKey {
  readonly id: string;
  private readonly kek: Buffer;
  /** What vaults derived for subject refs before rotation; a vault keeps the first one for good. */
  readonly initialSubjectRefKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
    this.kek = derive(masterKey, 'plass/privacy/kek/v1');
    this.initialSubjectRefKey = derive(masterKey, 'plass/privacy/subject-ref/v1');
    this.id = `kek_${derive(masterKey, 'plass/privacy/kek-id/v1').subarray(0, 9).toString('base64url')}`;
  }

  /** iv ‖ ciphertext ‖ tag, AES-256-GCM bound to `aad`. */
  wrap(secret: Buffer, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    return Buffer.concat([iv, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
  }

  /** `what` names the wrapped secret in the error (a kid or a secret name, never key material). */
  unwrap(wrapped: Buffer, aad: string, what: string): Buffer {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.kek, wrapped.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`${what} cannot be unwrapped: wrong master key or corrupted vault`);
    }
  }
}

/** The current KEK and the retiring ones, by id. */
export class KekRing {
  readonly current: KeyEncryptionKey;
  private readonly byId = new Map<string, KeyEncryptionKey>();

  constructor(masterKey: Buffer, previousMasterKeys: Buffer[] = []) {
    this.current = new KeyEncryptionKey(masterKey);
    for (const kek of [this.current, ...previousMasterKeys.map((key) => new KeyEncryptionKey(key))]) {
      if (!this.byId.has(kek.id)) this.byId.set(kek.id, kek);
    }
  }

  /** The KEK a row was wrapped under; `what` names the row in the error. */
  get(kekId: string, what: string): KeyEncryptionKey {
    const kek = this.byId.get(kekId);
    if (!kek) throw new Error(`${what} is wrapped under ${kekId}, which this vault does not hold`);
    return kek;
  }
}

/** Subjects are known to the vault only as HMAC-SHA256(subject-ref key, tenant/subject). */
export class SubjectRefs {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The subject-ref key must be 32 bytes');
  }

  of(tenantId: string, subjectId: string): Buffer {
    return createHmac('sha256', this.key).update(`${tenantId}/${subjectId}`, 'utf8').digest();
  }
}
