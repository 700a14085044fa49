import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { PublicJwk } from '@plass/contracts';

type Jwk = z.infer<typeof PublicJwk>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signing_keys (
  kid          TEXT    PRIMARY KEY,
  public_jwk   TEXT    NOT NULL,
  private_key  BLOB    NOT NULL,
  created_at   INTEGER NOT NULL,
  activated_at INTEGER,
  retired_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS signing_keys_one_next_one_current
  ON signing_keys ((activated_at IS NULL)) WHERE retired_at IS NULL;
`;

interface Row {
  kid: string;
  public_jwk: string;
  private_key: Buffer;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface SigningKeyRingOptions {
  /** AES-256-GCM key that wraps the private keys at rest. */
  wrapKey: Buffer;
  now: () => Date;
  /** The current key is replaced once it has signed for this long, checked whenever a token is signed. */
  maxAgeMs: number;
  /** How long a retired key stays published: the access-token lifetime plus clock skew. */
  publishRetiredForMs: number;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const aadOf = (kid: string) => Buffer.from(`plass/identity/signing-key/${kid}`, 'utf8');

/**
 * Ed25519 signing keys generated here, the private halves stored only wrapped. Three kinds are
 * published: the current key; the next one, published from the moment it exists so that verifiers
 * caching the JWKS know it before it signs anything; and retired keys, until every token they
 * signed has expired, after which they are deleted.
 */
export class SigningKeyRing {
  private readonly unwrapped = new Map<string, KeyObject>();
  private readonly rotateTx: (expectedKid: string | null | undefined) => Row;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SigningKeyRingOptions,
  ) {
    db.exec(SCHEMA);
    const retire = db.prepare<[number, string]>('UPDATE signing_keys SET retired_at = ? WHERE kid = ?');
    const activate = db.prepare<[number, string]>('UPDATE signing_keys SET activated_at = ? WHERE kid = ?');
    const insert = db.prepare<[string, string, Buffer, number]>('INSERT INTO signing_keys (kid, public_jwk, private_key, created_at) VALUES (?, ?, ?, ?)');
    const addNext = (now: number): Row => {
      const row = this.generate(now);
      insert.run(row.kid, row.public_jwk, row.private_key, row.created_at);
      return row;
    };
    // `expectedKid` undefined: rotate whatever is current; otherwise only if it is still the current one.
    const rotate = db.transaction((expectedKid: string | null | undefined): Row => {
      const current = this.row('current');
      if (expectedKid !== undefined && current && current.kid !== expectedKid) return current;
      const now = this.options.now().getTime();
      if (current) retire.run(now, current.kid);
      const promoted = this.row('next') ?? addNext(now);
      activate.run(now, promoted.kid);
      addNext(now);
      return { ...promoted, activated_at: now };
    });
    // Immediate: replicas sharing the file take the write lock before they look.
    this.rotateTx = (expectedKid) => rotate.immediate(expectedKid);
  }

  /** The key to sign with now, replacing it first when it is too old (or there is none yet). */
  current(): SigningKey {
    const row = this.row('current');
    const fresh = row && this.options.now().getTime() - row.activated_at! < this.options.maxAgeMs;
    return this.toSigningKey(fresh ? row : this.rotateTx(row?.kid ?? null));
  }

  /** Starts signing with the next key at once (it is already published) and publishes a new next one. */
  rotate(): SigningKey {
    return this.toSigningKey(this.rotateTx(undefined));
  }

  /** The current key first, then the next, then retired keys whose tokens may still be valid; older ones are deleted. */
  publicKeys(): Jwk[] {
    const cutoff = this.options.now().getTime() - this.options.publishRetiredForMs;
    const expired = this.db.prepare<[number], { kid: string }>('DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= ? RETURNING kid').all(cutoff);
    for (const { kid } of expired) this.unwrapped.delete(kid);
    return this.db
      .prepare<[], { public_jwk: string }>(
        `SELECT public_jwk FROM signing_keys
         ORDER BY retired_at IS NOT NULL, activated_at IS NULL, retired_at DESC`,
      )
      .all()
      .map((row) => JSON.parse(row.public_jwk) as Jwk);
  }

  private row(kind: 'current' | 'next'): Row | undefined {
    const activated = kind === 'current' ? 'activated_at IS NOT NULL' : 'activated_at IS NULL';
    return this.db.prepare<[], Row>(`SELECT * FROM signing_keys WHERE retired_at IS NULL AND ${activated}`).get();
  }

  private generate(now: number): Row {
    const kid = randomBytes(12).toString('base64url');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const { x } = publicKey.export({ format: 'jwk' });
    const jwk: Jwk = { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.options.wrapKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(kid));
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const wrapped = Buffer.concat([iv, cipher.update(der), cipher.final(), cipher.getAuthTag()]);
    der.fill(0);
    this.unwrapped.set(kid, privateKey);
    return { kid, public_jwk: JSON.stringify(jwk), private_key: wrapped, created_at: now, activated_at: null, retired_at: null };
  }

  private toSigningKey(row: Row): SigningKey {
    let privateKey = this.unwrapped.get(row.kid);
    if (!privateKey) {
      const blob = row.private_key;
      const decipher = createDecipheriv('aes-256-gcm', this.options.wrapKey, blob.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aadOf(row.kid));
      decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
      const der = Buffer.concat([decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES)), decipher.final()]);
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      der.fill(0);
      this.unwrapped.set(row.kid, privateKey);
    }
    return { kid: row.kid, privateKey };
  }
}
