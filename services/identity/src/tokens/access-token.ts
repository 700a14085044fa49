import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '@plass/contracts';
import type { SigningKey } from './signing-keys.js';

export const TOKEN_ISSUER = 'plass';
export const TOKEN_AUDIENCE = 'plass-api';

export interface AccessClaims {
  userId: string;
  tenantId: string;
  role: Role;
}

/** An EdDSA JWT: sub, tid and roles say who calls; nothing personal beyond the user id. */
export function signAccessToken(key: SigningKey, claims: AccessClaims, at: { now: Date; ttlSeconds: number }): Promise<string> {
  const issuedAt = Math.floor(at.now.getTime() / 1000);
  return new SignJWT({ tid: claims.tenantId, roles: [claims.role] })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + at.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
