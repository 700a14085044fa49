import { DomainFailure, Email, OPERATOR, PasswordHash, domainError, isRedacted, type RequestContext, type TokenResponse } from '@plass/contracts';
import type { EventStore } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import { z } from 'zod';
import { actorOf, forbidden, mayAct } from './actor.js';
import type { EmailBlindIndex } from './credentials/email-index.js';
import type { EmailIndexStore } from './credentials/email-index-store.js';
import type { LoginThrottle } from './credentials/login-throttle.js';
import type { PasswordHasher } from './credentials/password-hasher.js';
import { signAccessToken } from './tokens/access-token.js';
import type { RefreshTokenStore } from './tokens/refresh-tokens.js';
import type { SigningKeyRing } from './tokens/signing-keys.js';
import { foldUserRecord, sealedPasswordHash } from './users/user-record.js';
import { userStream, type User } from './users/user.js';

export interface AuthAppDeps {
  events: EventStore;
  shredder: Shredder;
  hasher: PasswordHasher;
  blindIndex: EmailBlindIndex;
  emailIndex: EmailIndexStore;
  throttle: LoginThrottle;
  /** Keyed HMAC of a client address prefix: what the throttle counts per address. */
  clientKey: (client: string) => string;
  refreshTokens: RefreshTokenStore;
  signingKeys: SigningKeyRing;
  now: () => Date;
  accessTokenTtlSeconds: number;
  logger?: { warn(fields: object, message: string): void };
}

const Credential = z.object({ passwordHash: PasswordHash, email: Email });

/** One answer for every failed login, so none of them tells which part was wrong. */
const invalidCredentials = () => new DomainFailure(domainError('auth.invalid_credentials', 'the credentials are not valid'));

type Account = { user: Extract<User, { status: 'active' | 'deactivated' }>; passwordHash?: string };

/** Login, refresh and the keys that verify access tokens. */
export class AuthApp {
  constructor(private readonly deps: AuthAppDeps) {}

  async issueToken(request: { tenantId: string; email: string; password: string; clientAddress?: string | undefined }): Promise<TokenResponse> {
    const { tenantId, email, password } = request;
    const blindIndex = this.deps.blindIndex(tenantId, email);
    const client = request.clientAddress === undefined ? undefined : this.deps.clientKey(request.clientAddress);
    const attempt = this.deps.throttle.begin(tenantId, blindIndex, client);
    if (!attempt.allowed) {
      throw new DomainFailure(domainError('auth.rate_limited', 'too many failed logins; retry later', { retryAfterSeconds: attempt.retryAfterSeconds }));
    }
    const userId = this.deps.emailIndex.lookup(tenantId, blindIndex);
    const account = userId === undefined ? undefined : await this.account(tenantId, userId, blindIndex);
    // Always one scrypt verification, against a dummy hash when there is nothing to check.
    const verified = await this.deps.hasher.verify(password, account?.passwordHash);
    if (!verified || !account || account.user.status !== 'active') {
      if (client !== undefined) this.deps.throttle.failed(client);
      throw invalidCredentials();
    }
    this.deps.throttle.succeeded(tenantId, blindIndex);
    return this.tokensFor(tenantId, account.user);
  }

  async refreshToken(refreshToken: string): Promise<TokenResponse> {
    const redeemed = this.deps.refreshTokens.redeem(refreshToken);
    if (!redeemed.ok) {
      if (redeemed.reason === 'reused') this.deps.logger?.warn({ reason: redeemed.reason }, 'a used refresh token came back: its family is revoked');
      throw invalidCredentials();
    }
    const account = await this.account(redeemed.tenantId, redeemed.userId);
    if (!account || account.user.status !== 'active') {
      this.deps.refreshTokens.revokeFamily(redeemed.familyId);
      throw invalidCredentials();
    }
    return this.tokensFor(redeemed.tenantId, account.user, redeemed.familyId);
  }

  getJwks() {
    return { keys: this.deps.signingKeys.publicKeys() };
  }

  rotateSigningKey(ctx: RequestContext): { kid: string } {
    if (!mayAct(actorOf(ctx), OPERATOR)) throw new DomainFailure(forbidden('the platform operator'));
    return { kid: this.deps.signingKeys.rotate().kid };
  }

  /**
   * From the user's stream, not the read model: a login right after registration, a correction or
   * deactivation sees it. With `blindIndex` (a login) the password hash comes only if the user's
   * current address is the one logged in with: an index row an e-mail correction left behind opens nothing.
   */
  private async account(tenantId: string, userId: string, blindIndex?: string): Promise<Account | undefined> {
    const streamId = userStream(tenantId, userId);
    const recorded = await this.deps.events.readStream(streamId);
    const { user, doc } = foldUserRecord(recorded);
    if (user.status === 'none' || !doc) return undefined;
    const sealed = blindIndex === undefined ? undefined : sealedPasswordHash(recorded);
    if (sealed === undefined) return { user };
    const { data } = await this.deps.shredder.decrypt(Credential, { passwordHash: sealed, email: doc.email }, { tenantId, aad: streamId });
    if (isRedacted(data.passwordHash) || isRedacted(data.email) || this.deps.blindIndex(tenantId, data.email) !== blindIndex) return { user };
    return { user, passwordHash: data.passwordHash };
  }

  private async tokensFor(tenantId: string, user: Account['user'], familyId?: string): Promise<TokenResponse> {
    const ttlSeconds = this.deps.accessTokenTtlSeconds;
    const accessToken = await signAccessToken(
      this.deps.signingKeys.current(),
      { userId: user.id, tenantId, role: user.role },
      { now: this.deps.now(), ttlSeconds },
    );
    const refreshToken = this.deps.refreshTokens.issue(tenantId, user.id, familyId);
    return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds, refreshToken };
  }
}
