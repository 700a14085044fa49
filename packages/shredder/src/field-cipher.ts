import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { EncryptedValue } from '@plass/contracts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Corruption, not shredding: the ciphertext, its key or its place (aad) do not match. */
export class CiphertextCorruptError extends Error {
  constructor(
    readonly field: string,
    readonly kid: string | undefined,
    reason: string,
  ) {
    super(`Encrypted field '${field}'${kid ? ` (kid ${kid})` : ''} cannot be decrypted: ${reason}`);
    this.name = 'CiphertextCorruptError';
  }
}

/**
 * Fresh random IVs from a pool refilled by the CSPRNG: one call per 256 IVs instead of one per
 * field, as each booking seals several. Every IV is still 96 random bits, used once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivOffset = ivPool.length;
function nextIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  ivOffset += IV_BYTES;
  return iv;
}

export function seal(kid: string, key: Buffer, plaintext: string, aad: string): EncryptedValue {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { $enc: 'A256GCM', kid, iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

export function open(value: EncryptedValue, key: Buffer, aad: string, field: string): string {
  const iv = Buffer.from(value.iv, 'base64url');
  const sealed = Buffer.from(value.ct, 'base64url');
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
    throw new CiphertextCorruptError(field, value.kid, 'malformed iv or ciphertext');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new CiphertextCorruptError(field, value.kid, 'authentication failed (tampered, wrong key or wrong aad)');
  }
}
