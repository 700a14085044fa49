import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

const derive = (masterKey: Buffer, info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));

/**
 * What the vault derives from the master key. Separate HKDF outputs keep each use of the master key
 * independent: wrapping data keys, naming the KEK, and pseudonymising subject ids.
 */
export class MasterKeyMaterial {
  readonly kekId: string;
  private readonly kek: Buffer;
  private readonly subjectRefKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
    this.kek = derive(masterKey, 'plass/privacy/kek/v1');
    this.subjectRefKey = derive(masterKey, 'plass/privacy/subject-ref/v1');
    this.kekId = `kek_${derive(masterKey, 'plass/privacy/kek-id/v1').subarray(0, 9).toString('base64url')}`;
  }

  subjectRef(tenantId: string, subjectId: string): Buffer {
    return createHmac('sha256', this.subjectRefKey).update(`${tenantId}/${subjectId}`, 'utf8').digest();
  }

  /** iv ‖ ciphertext ‖ tag, bound to the key's tenant and kid so a row cannot be moved. */
  wrap(dataKey: Buffer, tenantId: string, kid: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${tenantId}/${kid}`, 'utf8'));
    return Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  }

  unwrap(wrapped: Buffer, tenantId: string, kid: string): Buffer {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.kek, wrapped.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(`${tenantId}/${kid}`, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`Data key ${kid} cannot be unwrapped: wrong master key or corrupted vault`);
    }
  }
}
