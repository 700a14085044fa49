import { PLATFORM_TENANT, Role, Uuid, type RequestContext } from '@plass/contracts';
import { errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { HttpProblem } from '../http/problem.js';
import { unauthenticated } from './authenticator.js';
import { JwksUnavailable, type JwksCache } from './jwks-cache.js';
import { VerifiedTokens } from './verified-tokens.js';

export const TOKEN_ISSUER = 'plass';
export const TOKEN_AUDIENCE = 'plass-api';
/** Only identity's Ed25519 signatures: `none`, and HMAC keyed with a public key, never verify. */
const ALGORITHMS = ['EdDSA'];
const CLOCK_TOLERANCE_S = 5;

const Claims = z.object({
  sub: Uuid,
  tid: Uuid.refine((tenant) => tenant !== PLATFORM_TENANT),
  roles: z.array(Role).max(10),
  exp: z.number(),
  nbf: z.number().optional(),
});

/** Why a token was refused, as logged: a category, never the token or a claim value. */
export type RejectionReason = 'malformed' | 'algorithm' | 'no_kid' | 'unknown_kid' | 'signature' | 'expired' | 'not_yet_valid' | 'issuer' | 'audience' | 'claims';

/** Tokens must name their key: a kid-less token would otherwise match any single published key. */
class MissingKid extends Error {}

const claimReasons: Record<string, RejectionReason> = { nbf: 'not_yet_valid', iss: 'issuer', aud: 'audience' };

function reasonOf(error: unknown): RejectionReason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimReasons[error.claim] ?? 'claims';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_kid';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof MissingKid) return 'no_kid';
  return 'malformed';
}

export interface JwtAuthenticatorOptions {
  keys: Pick<JwksCache, 'key' | 'publishes'>;
  now: () => Date;
  onRejected?: (reason: RejectionReason, correlationId: string) => void;
}

/** Verifies identity's access tokens: EdDSA, issuer `plass`, audience `plass-api`, sub/tid/roles/exp. */
export class JwtAuthenticator {
  private readonly verified = new VerifiedTokens();

  constructor(private readonly options: JwtAuthenticatorOptions) {}

  async verify(token: string, correlationId: string): Promise<RequestContext> {
    const now = this.options.now().getTime();
    const known = this.verified.get(token, now, (kid) => this.options.keys.publishes(kid));
    if (known) return { ...known, correlationId };
    let payload: unknown;
    let kid = '';
    try {
      ({ payload } = await jwtVerify(
        token,
        (header, jws) => {
          if (typeof header.kid !== 'string') throw new MissingKid();
          kid = header.kid;
          return this.options.keys.key(header, jws);
        },
        {
          algorithms: ALGORITHMS,
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          requiredClaims: ['sub', 'tid', 'roles', 'exp'],
          clockTolerance: CLOCK_TOLERANCE_S,
          currentDate: this.options.now(),
        },
      ));
    } catch (error) {
      if (error instanceof JwksUnavailable) throw new HttpProblem('service.unavailable');
      throw this.reject(reasonOf(error), correlationId);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw this.reject('claims', correlationId);
    const { sub, tid, roles, exp, nbf } = claims.data;
    const ctx = { tenantId: tid, actorId: sub, roles: [...new Set(roles)] };
    const tolerance = CLOCK_TOLERANCE_S * 1000;
    this.verified.set(token, { ctx, kid, notBefore: nbf === undefined ? 0 : nbf * 1000 - tolerance, expiresAt: exp * 1000 + tolerance });
    return { ...ctx, correlationId };
  }

  private reject(reason: RejectionReason, correlationId: string): HttpProblem {
    this.options.onRejected?.(reason, correlationId);
    return unauthenticated('invalid');
  }
}
