import { randomUUID } from 'node:crypto';
import { Bus } from '@plass/bus';
import {
  CorrectUser,
  CreateTenant,
  DeactivateUser,
  DomainFailure,
  GetJwks,
  GetMe,
  GetUser,
  IssueToken,
  ListUsers,
  RefreshToken,
  RegisterUser,
  SetPassword,
  UpdateMe,
  type DomainError,
  type RequestContext,
  type RequestContract,
  type RequestOf,
  type ResponseOf,
  type UserView,
} from '@plass/contracts';
import type { Caller } from './http-client.js';
import { SigningKey, type SignOptions } from './signing-key.js';

export interface IdentityRequest {
  subject: string;
  payload: unknown;
  ctx: RequestContext;
}

const userView = (id: string, fields: Partial<UserView> = {}): UserView => ({
  id,
  email: 'someone@example.com',
  displayName: 'Some One',
  role: 'employee',
  locale: 'en',
  status: 'active',
  redacted: [],
  ...fields,
});

/**
 * A stand-in for the identity service on the bus: it publishes a JWKS of Ed25519 keys it generated,
 * signs access tokens with the current one, and answers every identity request with a canned view,
 * recording what it was asked (payload and context).
 */
export class IdentityStub {
  readonly requests: IdentityRequest[] = [];
  jwksFetches = 0;
  /** Makes the next identity request (other than GetJwks) fail with this error. */
  failNext: DomainError | undefined;
  /** The keys GetJwks lists. */
  published: SigningKey[];

  private constructor(
    readonly bus: Bus,
    public current: SigningKey,
    private readonly now: () => Date,
  ) {
    this.published = [current];
  }

  static async start(natsUrl: string, options: { now?: () => Date } = {}): Promise<IdentityStub> {
    const stub = new IdentityStub(await Bus.connect({ servers: natsUrl, name: 'identity' }), await SigningKey.generate(), options.now ?? (() => new Date()));
    stub.serve();
    stub.bus.serveHealth();
    await stub.bus.flush();
    return stub;
  }

  /** An access token for `caller` as identity would issue it now. */
  readonly tokenFor = (caller: Caller, options: SignOptions & { key?: SigningKey } = {}): Promise<string> =>
    (options.key ?? this.current).sign({ sub: caller.userId, tid: caller.tenantId, roles: caller.roles }, { issuedAt: this.now(), ...options });

  /** Signs with a new key from now on; the old one stays published until `retire`. */
  async rotate(): Promise<SigningKey> {
    this.current = await SigningKey.generate();
    this.published = [...this.published, this.current];
    return this.current;
  }

  retire(key: SigningKey): void {
    this.published = this.published.filter((published) => published !== key);
  }

  private answer<C extends RequestContract>(contract: C, respond: (payload: RequestOf<C>, ctx: RequestContext) => ResponseOf<C>): void {
    this.bus.handle(contract, async (payload, ctx) => {
      this.requests.push({ subject: contract.subject, payload, ctx });
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw new DomainFailure(failure);
      return respond(payload, ctx);
    });
  }

  private serve(): void {
    this.bus.handle(GetJwks, async () => {
      this.jwksFetches += 1;
      return { keys: this.published.map((key) => key.publicJwk) };
    });
    this.answer(CreateTenant, () => ({ tenantId: randomUUID(), adminUserId: randomUUID() }));
    this.answer(RegisterUser, () => ({ id: randomUUID() }));
    this.answer(ListUsers, ({ cursor }) => ({ items: [userView(randomUUID())], nextCursor: cursor ? null : 'next-page' }));
    this.answer(GetUser, ({ userId }) => userView(userId));
    this.answer(CorrectUser, ({ userId, ...changes }) => userView(userId, changes));
    this.answer(DeactivateUser, ({ userId }) => userView(userId, { status: 'deactivated' }));
    this.answer(GetMe, (_payload, ctx) => userView(ctx.actorId!));
    this.answer(UpdateMe, (changes, ctx) => userView(ctx.actorId!, changes));
    const tokens = () => ({ accessToken: 'an.access.token', tokenType: 'Bearer' as const, expiresIn: 900, refreshToken: randomUUID() });
    this.answer(IssueToken, tokens);
    this.answer(RefreshToken, tokens);
    this.answer(SetPassword, () => ({}));
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
