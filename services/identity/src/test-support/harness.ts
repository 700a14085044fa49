import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import Database from 'better-sqlite3';
import { Bus } from '@plass/bus';
import { CreateTenant, IssueToken, PLATFORM_TENANT, RegisterUser, type RequestContext, type Role } from '@plass/contracts';
import { startPrivacyService } from '@plass/privacy';
import { createLogger } from '@plass/telemetry';
import { startNats, tempDir, type NatsServerHandle, type TempDir } from '@plass/testing';
import { startIdentityService, type IdentityService, type IdentityServiceConfig } from '../identity-service.js';

export const PASSWORD = 'correct horse battery staple';

export interface Person {
  email: string;
  displayName: string;
}

export interface Harness {
  dir: TempDir;
  natsUrl: string;
  client: Bus;
  identity: IdentityService;
  /** The identity service's clock; tests move it instead of sleeping. */
  clock: { now: Date; advance(ms: number): void };
  restartIdentity(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Real NATS (private server, JetStream under the data dir), the real key vault and identity, with
 * every byte of state and every log line under one directory, so a test can scan all of it.
 */
export async function startHarness(options: Pick<IdentityServiceConfig, 'accessTokenTtlSeconds' | 'loginThrottle'> = {}): Promise<Harness> {
  const dir = tempDir('plass-identity-');
  const nats: NatsServerHandle = await startNats({ storeDir: join(dir.path, 'nats') });
  const logger = (service: string) => createLogger({ service, level: 'debug', file: join(dir.path, 'logs', `${service}.log`), destination: { write: () => undefined } });
  const privacy = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: randomBytes(32), logger: logger('privacy') });
  const identityKey = randomBytes(32);
  const clock = {
    now: new Date('2030-03-04T08:00:00Z'),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const start = () =>
    startIdentityService({
      natsUrl: nats.url,
      dataDir: dir.path,
      identityKey,
      logger: logger('identity'),
      now: () => clock.now,
      ...options,
    });
  let stopped = false;
  const harness: Harness = {
    dir,
    natsUrl: nats.url,
    client: await Bus.connect({ servers: nats.url, name: 'identity-test-client' }),
    identity: await start(),
    clock,
    async restartIdentity() {
      await harness.identity.close();
      harness.identity = await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await harness.client.close();
      await harness.identity.close();
      await privacy.close();
      await nats.stop();
    },
  };
  return harness;
}

export const operator = (): RequestContext => ({ tenantId: PLATFORM_TENANT, roles: ['operator'], correlationId: randomUUID() });

export const as = (tenantId: string, actorId: string, role: Role): RequestContext => ({
  tenantId,
  actorId,
  roles: [role],
  correlationId: randomUUID(),
});

/** How the privacy service asks: service to service, no actor, a privacy officer's role or none. */
export const privacyService = (tenantId: string, roles: RequestContext['roles'] = ['privacy_officer']): RequestContext => ({
  tenantId,
  roles,
  correlationId: randomUUID(),
});

export const login = (h: Harness, tenantId: string, email: string, password = PASSWORD) => h.client.request(IssueToken, { tenantId, email, password }, operator());

/** Reads one of identity's SQLite files beside the running service, as an auditor would. */
export function query<T>(h: Harness, file: 'events.db' | 'credentials.db', sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(h.dir.path, 'identity', file), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface TestTenant {
  tenantId: string;
  adminId: string;
  admin: RequestContext;
}

export async function createTenant(h: Harness, name: string, admin: Person): Promise<TestTenant> {
  const { tenantId, adminUserId } = await h.client.request(CreateTenant, { name, admin: { ...admin, password: PASSWORD } }, operator());
  return { tenantId, adminId: adminUserId, admin: as(tenantId, adminUserId, 'admin') };
}

/** `password: null` registers a user who cannot log in (yet). */
export async function register(h: Harness, tenant: TestTenant, person: Person, role: Role = 'employee', password: string | null = PASSWORD) {
  const { id } = await h.client.request(RegisterUser, { ...person, role, ...(password === null ? {} : { password }) }, tenant.admin);
  return { id, ctx: as(tenant.tenantId, id, role) };
}

/** What a refused request answers with. */
export const failure = (code: string) => ({ error: expect.objectContaining({ code }) });
