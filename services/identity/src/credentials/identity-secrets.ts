import { hkdfSync } from 'node:crypto';

/** Separate keys for separate jobs, all from PLASS_IDENTITY_KEY: one leaking use cannot be replayed in another. */
export interface IdentitySecrets {
  /** AES-256-GCM key that wraps the private signing keys at rest. */
  signingKeyWrap: Buffer;
  /** HMAC-SHA256 key of the e-mail blind index. Changing it orphans every index row (re-index from events). */
  emailIndex: Buffer;
  /** HMAC-SHA256 key under which client addresses are counted for login throttling. */
  clientAddress: Buffer;
}

const SALT = Buffer.from('plass/identity', 'utf8');

export function deriveIdentitySecrets(identityKey: Buffer): IdentitySecrets {
  if (identityKey.length !== 32) throw new Error('the identity key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', identityKey, SALT, info, 32));
  return { signingKeyWrap: derive('signing-key-wrap/v1'), emailIndex: derive('email-blind-index/v1'), clientAddress: derive('client-address/v1') };
}
