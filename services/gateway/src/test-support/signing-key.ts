import { randomUUID } from 'node:crypto';
import { PublicJwk } from '@plass/contracts';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type CryptoKey } from 'jose';
import type { z } from 'zod';

export interface SignOptions {
  issuer?: string;
  audience?: string;
  issuedAt?: Date;
  /** Seconds after `issuedAt`; default 15 minutes; `null` leaves out `exp`. */
  lifetimeS?: number | null;
  notBefore?: Date;
  /** Default: this key's kid; `null` leaves the header without one. */
  kid?: string | null;
}

/** An Ed25519 key pair as identity holds one: it signs access tokens and publishes its public half. */
export class SigningKey {
  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: z.infer<typeof PublicJwk>,
  ) {}

  static async generate(kid: string = randomUUID()): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    return new SigningKey(kid, privateKey, PublicJwk.parse({ ...jwk, kid, alg: 'EdDSA', use: 'sig' }));
  }

  /** The raw public key bytes: what an HS256 forger would use as the HMAC secret. */
  get publicKeyBytes(): Uint8Array {
    return Buffer.from(this.publicJwk.x, 'base64url');
  }

  sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
    const issuedAt = options.issuedAt ?? new Date();
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const kid = options.kid === undefined ? this.kid : options.kid;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', ...(kid === null ? {} : { kid }) })
      .setIssuer(options.issuer ?? 'plass')
      .setAudience(options.audience ?? 'plass-api')
      .setIssuedAt(iat);
    if (options.lifetimeS !== null) jwt.setExpirationTime(iat + (options.lifetimeS ?? 15 * 60));
    if (options.notBefore) jwt.setNotBefore(Math.floor(options.notBefore.getTime() / 1000));
    return jwt.sign(this.privateKey);
  }
}
