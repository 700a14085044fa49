import { DomainFailure, decided, domainError, type RequestContext, type ResponseOf, type exportSubject, type forgetSubject, type LookupSubject } from '@plass/contracts';
import type { EventStore } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import type { EmailIndexStore } from '../credentials/email-index-store.js';
import type { LoginThrottle } from '../credentials/login-throttle.js';
import type { PasswordTokenStore } from '../tokens/password-tokens.js';
import type { RefreshTokenStore } from '../tokens/refresh-tokens.js';
import { runUserCommandCycle } from '../users/user-command-cycle.js';
import { decideUser } from '../users/user-commands.js';
import { foldUserRecord } from '../users/user-record.js';
import { userViews } from '../users/user-view.js';
import { userStream } from '../users/user.js';

/** How identity names itself in erasure receipts and export bundles. */
export const SERVICE = 'identity';

export interface SubjectParticipantDeps {
  events: EventStore;
  shredder: Shredder;
  emailIndex: EmailIndexStore;
  throttle: LoginThrottle;
  refreshTokens: RefreshTokenStore;
  passwordTokens: PasswordTokenStore;
  now: () => Date;
}

type Receipt = ResponseOf<ReturnType<typeof forgetSubject>>;
type Export = ResponseOf<ReturnType<typeof exportSubject>>;

/**
 * Identity's part in erasure and export, asked by the privacy service for a user of ctx.tenantId.
 * Everything is read from the user's stream (the source of truth) and every step is idempotent:
 * the saga retries. Service to service: NATS permissions guard `identity.privacy.*`, not roles.
 */
export class SubjectParticipant {
  constructor(private readonly deps: SubjectParticipantDeps) {}

  async lookup(subjectId: string, ctx: RequestContext): Promise<ResponseOf<typeof LookupSubject>> {
    const { user } = await this.record(ctx.tenantId, subjectId);
    return { exists: user.status !== 'none', active: user.status === 'active' };
  }

  /** Deactivates the user (as DeactivateUser does) and revokes every refresh and set-password token they hold. */
  async deactivate(subjectId: string, ctx: RequestContext): Promise<{ deactivated: boolean }> {
    const { changed } = await runUserCommandCycle(this.deps, ctx, subjectId, (user) => decided(decideUser({ type: 'DeactivateSubject', data: { userId: subjectId } }, user)));
    this.deps.refreshTokens.revokeUser(ctx.tenantId, subjectId);
    this.deps.passwordTokens.revokeUser(ctx.tenantId, subjectId);
    return { deactivated: changed };
  }

  /**
   * After the vault destroyed the subject's keys: drops what identity derived from them or kept for
   * them outside the events (blind-index rows, their failed-login counts, refresh and set-password tokens). The
   * events and the read-model row stay: their personal fields are ciphertext under destroyed keys.
   * Nothing is done before identity itself can no longer read the profile: a key still cached here
   * (a missed KeysDestroyed) fails the step until the cache lets it go, and the saga retries.
   */
  async forget(subjectId: string, ctx: RequestContext): Promise<Receipt> {
    const { tenantId } = ctx;
    const profile = await this.profile(tenantId, subjectId);
    if (profile && (profile.email !== null || profile.displayName !== null)) {
      throw new DomainFailure(domainError('service.unavailable', "identity can still read the subject's profile; retry once their keys are destroyed"));
    }
    for (const blindIndex of this.deps.emailIndex.forget(tenantId, subjectId)) this.deps.throttle.succeeded(tenantId, blindIndex);
    this.deps.refreshTokens.forgetUser(tenantId, subjectId);
    this.deps.passwordTokens.revokeUser(tenantId, subjectId);
    return { service: SERVICE, acknowledgedAt: this.deps.now().toISOString() };
  }

  /** Art. 15/20: the profile as it is now, decrypted; never the password hash. Nothing held → no sections. */
  async export(subjectId: string, ctx: RequestContext): Promise<Export> {
    const profile = await this.profile(ctx.tenantId, subjectId);
    return { service: SERVICE, sections: profile ? { profile } : {} };
  }

  private async record(tenantId: string, userId: string) {
    return foldUserRecord(await this.deps.events.readStream(userStream(tenantId, userId)));
  }

  private async profile(tenantId: string, userId: string) {
    const { doc } = await this.record(tenantId, userId);
    if (!doc) return undefined;
    const [view] = await userViews(this.deps.shredder, tenantId, [doc]);
    const { id, email, displayName, role, locale, status, redacted } = view!;
    return { id, email, displayName, role, locale, status, bookingVisibility: doc.bookingVisibility ?? null, createdAt: doc.createdAt, redacted };
  }
}
