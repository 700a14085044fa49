import { randomUUID } from 'node:crypto';
import {
  DomainFailure,
  Uuid,
  decided,
  domainError,
  type CorrectUser,
  type CreateTenant as CreateTenantRequest,
  type ListUsers,
  type RegisterUser,
  type RequestContext,
  type RequestOf,
  type ResponseOf,
  type UpdateMe,
  type UserView,
} from '@plass/contracts';
import { foldWith, handleCommand, toNewEvent, type EventStore } from '@plass/eventstore';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { actorOf, forbidden, type Actor } from './actor.js';
import type { EmailBlindIndex } from './credentials/email-index.js';
import type { EmailIndexStore } from './credentials/email-index-store.js';
import type { LoginThrottle } from './credentials/login-throttle.js';
import type { PasswordHasher } from './credentials/password-hasher.js';
import type { PasswordTokenStore } from './tokens/password-tokens.js';
import { KeyedQueue } from './keyed-queue.js';
import { sealEvents } from './sealed-events.js';
import { decideCreateTenant, mayCreateTenant, type CreateTenant } from './tenants/create-tenant.js';
import { evolveTenant, initialTenant, tenantStream } from './tenants/tenant.js';
import { USERS, type UserDocument } from './users/read-model.js';
import { runUserCommandCycle } from './users/user-command-cycle.js';
import { decideUser, mayManageUsers, type UserCommand } from './users/user-commands.js';
import { foldUserRecord } from './users/user-record.js';
import { userStream } from './users/user.js';
import { userViews } from './users/user-view.js';

export interface IdentityAppDeps {
  events: EventStore;
  readModel: ProjectionStore;
  shredder: Shredder;
  hasher: PasswordHasher;
  blindIndex: EmailBlindIndex;
  emailIndex: EmailIndexStore;
  throttle: LoginThrottle;
  passwordTokens: PasswordTokenStore;
  now: () => Date;
}

const foldTenant = foldWith(initialTenant, evolveTenant);

const notFound = () => new DomainFailure(domainError('user.not_found', 'no such user'));
const emailTaken = () => new DomainFailure(domainError('user.email_taken', 'a user with this e-mail already exists in the tenant'));

function requireUserManager(actor: Actor): void {
  if (!mayManageUsers(actor)) throw new DomainFailure(forbidden('admins'));
}

const encodeCursor = (userId: string) => Buffer.from(userId, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const userId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!Uuid.safeParse(userId).success) {
    throw new DomainFailure(domainError('validation.failed', 'the cursor is not valid', { errors: [{ path: 'cursor', message: 'not a cursor this service issued' }] }));
  }
  return userId;
}

/** Tenants and users: the use cases behind identity's requests, independent of how they arrive. */
export class IdentityApp {
  /** E-mail changes of one user run one at a time, so the address the index keeps is the one recorded last. */
  private readonly addressChanges = new KeyedQueue();

  constructor(private readonly deps: IdentityAppDeps) {}

  async createTenant(request: RequestOf<typeof CreateTenantRequest>, ctx: RequestContext): Promise<ResponseOf<typeof CreateTenantRequest>> {
    const actor = actorOf(ctx);
    // Refused before the costly hash; the decider holds the rule.
    if (!mayCreateTenant(actor)) throw new DomainFailure(forbidden('the platform operator'));
    const tenantId = randomUUID();
    const adminUserId = randomUUID();
    const { email, displayName, password } = request.admin;
    const command: CreateTenant = {
      type: 'CreateTenant',
      data: { tenantId, name: request.name, admin: { userId: adminUserId, email, displayName, locale: 'en', passwordHash: await this.deps.hasher.hash(password) } },
      actor,
    };
    const tenantCtx: RequestContext = { ...ctx, tenantId };
    const streamId = tenantStream(tenantId);
    // The tenant first: a failure in between leaves an empty tenant (no personal data), never a user without one.
    const registration = await handleCommand(this.deps.events, streamId, foldTenant, async (state) => {
      const events = decided(decideCreateTenant(command, state));
      const created = events.filter((event) => event.type === 'TenantCreated');
      const envelopes = await sealEvents(this.deps.shredder, created, { ctx: tenantCtx, streamId, subjectId: tenantId, now: this.deps.now() });
      return { events: envelopes.map(toNewEvent), result: events.filter((event) => event.type === 'UserRegistered') };
    });
    await this.withEmailReserved(tenantId, adminUserId, email, () =>
      runUserCommandCycle(this.deps, tenantCtx, adminUserId, (user) => {
        if (user.status !== 'none') throw new DomainFailure(domainError('concurrency.conflict', 'the user already exists'));
        return registration;
      }),
    );
    return { tenantId, adminUserId };
  }

  async registerUser(request: RequestOf<typeof RegisterUser>, ctx: RequestContext): Promise<{ id: string }> {
    const actor = actorOf(ctx);
    requireUserManager(actor);
    const userId = randomUUID();
    const passwordHash = request.password === undefined ? undefined : await this.deps.hasher.hash(request.password);
    const { email, displayName, role } = request;
    const command: UserCommand = {
      type: 'RegisterUser',
      data: { userId, email, displayName, role, locale: request.locale ?? 'en', ...(passwordHash === undefined ? {} : { passwordHash }) },
      actor,
    };
    await this.withEmailReserved(ctx.tenantId, userId, email, () => this.runUserCommand(ctx, userId, command));
    return { id: userId };
  }

  async listUsers(query: RequestOf<typeof ListUsers>, ctx: RequestContext): Promise<ResponseOf<typeof ListUsers>> {
    requireUserManager(actorOf(ctx));
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    // Documents come in id order, so "after the last id seen" is a stable cursor.
    const all = await this.deps.readModel.find<UserDocument>(USERS, { tenantId: ctx.tenantId });
    const rest = after === undefined ? all : all.filter((doc) => doc.id > after);
    const page = rest.slice(0, query.limit);
    const items = await userViews(this.deps.shredder, ctx.tenantId, page);
    return { items, nextCursor: rest.length > page.length ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  async getUser(userId: string, ctx: RequestContext): Promise<UserView> {
    requireUserManager(actorOf(ctx));
    return this.view(ctx.tenantId, userId);
  }

  async getMe(ctx: RequestContext): Promise<UserView> {
    return this.view(ctx.tenantId, this.self(ctx));
  }

  /** Rectification (Art. 16) by an admin; also serves the older ChangeUserRole. */
  correctUser(request: RequestOf<typeof CorrectUser>, ctx: RequestContext): Promise<UserView> {
    return this.changeUser(ctx, request.userId, { type: 'CorrectUser', data: request, actor: actorOf(ctx) }, request.email);
  }

  async deactivateUser(userId: string, ctx: RequestContext): Promise<UserView> {
    const view = await this.runUserCommand(ctx, userId, { type: 'DeactivateUser', data: { userId }, actor: actorOf(ctx) });
    this.deps.passwordTokens.revokeUser(ctx.tenantId, userId);
    return view;
  }

  updateMe(request: RequestOf<typeof UpdateMe>, ctx: RequestContext): Promise<UserView> {
    const userId = this.self(ctx);
    return this.changeUser(ctx, userId, { type: 'UpdateProfile', data: { userId, ...request }, actor: actorOf(ctx) }, request.email);
  }

  private self(ctx: RequestContext): string {
    if (!ctx.actorId) throw new DomainFailure(domainError('auth.unauthenticated', 'this needs an authenticated user'));
    return ctx.actorId;
  }

  /** From the read model; a user it does not hold yet is read from the stream, so a fresh user is never a 404. */
  private async view(tenantId: string, userId: string): Promise<UserView> {
    const projected = await this.deps.readModel.get<UserDocument>(USERS, userId);
    const doc = projected?.tenantId === tenantId ? projected : foldUserRecord(await this.deps.events.readStream(userStream(tenantId, userId))).doc;
    if (!doc || doc.tenantId !== tenantId) throw notFound();
    return (await userViews(this.deps.shredder, tenantId, [doc]))[0]!;
  }

  /**
   * Another tenant's user id names a stream that does not exist here: it reads as not found.
   * `beforeAppend` runs once the decider accepted a change, before it is recorded.
   */
  private async runUserCommand(ctx: RequestContext, userId: string, command: UserCommand, beforeAppend?: () => Promise<void>): Promise<UserView> {
    const { doc } = await runUserCommandCycle(this.deps, ctx, userId, async (user) => {
      const events = decided(decideUser(command, user));
      if (events.length > 0) await beforeAppend?.();
      return events;
    });
    if (!doc) throw notFound();
    return (await userViews(this.deps.shredder, ctx.tenantId, [doc]))[0]!;
  }

  /**
   * A change that may correct the e-mail: the new address is claimed before the event is appended
   * (taken → `user.email_taken`), and once it is recorded the old address is freed with its
   * failed-login count, so login works with the new address only.
   */
  private async changeUser(ctx: RequestContext, userId: string, command: UserCommand, email: string | undefined): Promise<UserView> {
    if (email === undefined) return this.runUserCommand(ctx, userId, command);
    const { tenantId } = ctx;
    const blindIndex = this.deps.blindIndex(tenantId, email);
    return this.addressChanges.run(`${tenantId}/${userId}`, async () => {
      let claimed = false;
      const claim = async () => {
        if (!(await this.deps.emailIndex.reserve(tenantId, blindIndex, userId))) throw emailTaken();
        claimed = true;
      };
      let view: UserView;
      try {
        view = await this.runUserCommand(ctx, userId, command, claim);
      } catch (error) {
        if (claimed) await this.deps.emailIndex.release(tenantId, blindIndex, userId);
        throw error;
      }
      this.deps.emailIndex.confirm(tenantId, blindIndex, userId);
      for (const freed of this.deps.emailIndex.retainOnly(tenantId, userId, blindIndex)) this.deps.throttle.succeeded(tenantId, freed);
      return view;
    });
  }

  /** Holds the address for `userId` while `append` runs: two registrations of one address cannot both win. */
  private async withEmailReserved<R>(tenantId: string, userId: string, email: string, append: () => Promise<R>): Promise<R> {
    const blindIndex = this.deps.blindIndex(tenantId, email);
    if (!(await this.deps.emailIndex.reserve(tenantId, blindIndex, userId))) throw emailTaken();
    try {
      const result = await append();
      this.deps.emailIndex.confirm(tenantId, blindIndex, userId);
      return result;
    } catch (error) {
      await this.deps.emailIndex.release(tenantId, blindIndex, userId);
      throw error;
    }
  }
}
