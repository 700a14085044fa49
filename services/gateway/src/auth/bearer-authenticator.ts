import { OPERATOR, PLATFORM_TENANT, type RequestContext } from '@plass/contracts';
import { unauthenticated, type AuthRequest, type Authenticator } from './authenticator.js';
import { bearerTokenOf } from './bearer-token.js';
import type { JwtAuthenticator } from './jwt-authenticator.js';
import type { OperatorToken } from './operator-token.js';

/**
 * `Authorization: Bearer`: the operator token on routes that admit the operator, identity's JWTs
 * everywhere. The tenant is the token's, never anything else the request says.
 */
export class BearerAuthenticator implements Authenticator {
  constructor(
    private readonly jwt: Pick<JwtAuthenticator, 'verify'>,
    private readonly operator: OperatorToken | undefined,
  ) {}

  async authenticate({ headers, correlationId, roles }: AuthRequest): Promise<RequestContext> {
    const bearer = bearerTokenOf(headers.authorization);
    if (bearer.kind === 'missing') throw unauthenticated('missing');
    if (bearer.kind === 'malformed') throw unauthenticated('invalid');
    if (roles.includes(OPERATOR)) {
      // Without a configured token, an operator-only route has nobody who may call it.
      if (!this.operator && roles.every((role) => role === OPERATOR)) throw unauthenticated('invalid');
      if (this.operator?.matches(bearer.token)) return { tenantId: PLATFORM_TENANT, roles: [OPERATOR], correlationId };
    }
    return this.jwt.verify(bearer.token, correlationId);
  }
}
