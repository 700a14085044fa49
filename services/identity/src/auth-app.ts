import {
  DomainFailure,
  Email,
  OPERATOR,
  PasswordHash,
  decided,
  domainError,
  isRedacted,
  type ErrorCode,
  type IssuePasswordToken,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type SetPassword,
  type TokenResponse,
} from '@plass/contracts';
import type { EventStore } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import { z } from 'zod';
import { actorOf, forbidden, mayAct } from './actor.js';
import type { EmailBlindIndex } from './credentials/email-index.js';
import type { EmailIndexStore } from './credentials/email-index-store.js';
import type { LoginThrottle } from './credentials/login-throttle.js';
import type { PasswordHasher } from './credentials/password-hasher.js';
import { signAccessToken } from './tokens/access-token.js';
import type { PasswordTokenStore } from './tokens/password-tokens.js';
import type { RefreshTokenStore } from './tokens/refresh-tokens.js';
import type { SigningKeyRing } from './tokens/signing-keys.js';
import { runUserCommandCycle } from './users/user-command-cycle.js';
import { decideUser, passwordTokenRefusal } from './users/user-commands.js';
import { foldUser, foldUserRecord, sealedPasswordHash } from './users/user-record.js';
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
  passwordTokens: PasswordTokenStore;
  signingKeys: SigningKeyRing;
  now: () => Date;
  accessTokenTtlSeconds: number;
  logger?: { warn(fields: object, message: string): void };
}

const Credential = z.object({ passwordHash: PasswordHash, email: Email });

/** One answer for every failed login, so none of them tells which part was wrong. */
const invalidCredentials = () => new DomainFailure(domainError('auth.invalid_credentials', 'the credentials are not valid'));

/** Unknown, expired, used, or its user gone or already set up: one answer, so none of them tells which. */
const invalidToken = () => new DomainFailure(domainError('auth.invalid_token', 'the token is not valid, has expired or was used already'));
const TOKEN_USER_REFUSALS: ReadonlySet<ErrorCode> = new Set(['user.not_found', 'user.deactivated', 'user.password_already_set']);

const rateLimited = (retryAfterSeconds: number) => new DomainFailure(domainError('auth.rate_limited', 'too many failed logins; retry later', { retryAfterSeconds }));

type Account = { user: Extract<User, { status: 'active' | 'deactivated' }>; passwordHash?: string };

/** Login, refresh and the keys that verify access tokens. */
export class AuthApp {
  constructor(private readonly deps: AuthAppDeps) {}

  async issueToken(request: { tenantId: string; email: string; password: string; clientAddress?: string | undefined }): Promise<TokenResponse> {
    const { tenantId, email, password } = request;
    const blindIndex = this.deps.blindIndex(tenantId, email);
    const client = request.clientAddress === undefined ? undefined : this.deps.clientKey(request.clientAddress);
    const attempt = this.deps.throttle.begin(tenantId, blindIndex, client);
    if (!attempt.allowed) throw rateLimited(attempt.retryAfterSeconds);
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

  /** For a user of ctx.tenantId registered without a password (service to service: NATS permissions guard it). */
  async issuePasswordToken(userId: string, ctx: RequestContext): Promise<ResponseOf<typeof IssuePasswordToken>> {
    const user = foldUser(await this.deps.events.readStream(userStream(ctx.tenantId, userId)));
    const refusal = passwordTokenRefusal(user);
    if (refusal) throw new DomainFailure(refusal);
    const { token, expiresAt } = this.deps.passwordTokens.issue(ctx.tenantId, userId);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The token names tenant and user. It is claimed before the (costly) hash, so a concurrent
   * redemption of it is refused at once; given back only when the password could not be recorded
   * for a reason that may pass (a key vault away), so the invitation link still works on a retry.
   */
  async setPassword(request: RequestOf<typeof SetPassword>, ctx: RequestContext): Promise<ResponseOf<typeof SetPassword>> {
    const client = request.clientAddress === undefined ? undefined : this.deps.clientKey(request.clientAddress);
    if (client !== undefined) {
      const attempt = this.deps.throttle.admits(client);
      if (!attempt.allowed) throw rateLimited(attempt.retryAfterSeconds);
    }
    const claimed = this.deps.passwordTokens.claim(request.token);
    if (!claimed) {
      if (client !== undefined) this.deps.throttle.failed(client);
      throw invalidToken();
    }
    const { tenantId, userId } = claimed;
    try {
      const passwordHash = await this.deps.hasher.hash(request.password);
      await runUserCommandCycle(this.deps, { ...ctx, tenantId, actorId: userId }, userId, (user) =>
        decided(decideUser({ type: 'SetPassword', data: { userId, passwordHash } }, user)),
      );
    } catch (error) {
      if (error instanceof DomainFailure && TOKEN_USER_REFUSALS.has(error.error.code)) throw invalidToken();
      claimed.release();
      throw error;
    }
    this.deps.passwordTokens.revokeUser(tenantId, userId);
    return {};
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
    const accessToken = await signAccessToken(this.deps.signingKeys.current(), { userId: user.id, tenantId, role: user.role }, { now: this.deps.now(), ttlSeconds });
    const refreshToken = this.deps.refreshTokens.issue(tenantId, user.id, familyId);
    return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds, refreshToken };
  }
}
