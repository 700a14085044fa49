import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Bus } from '@plass/bus';
import { CreateTenant, PLATFORM_TENANT, RegisterUser, type Locale, type RequestContext, type Role } from '@plass/contracts';
import { startBookingService, type BookingService } from '@plass/booking';
import { startIdentityService, type IdentityService } from '@plass/identity';
import { startPrivacyService } from '@plass/privacy';
import { createLogger } from '@plass/telemetry';
import { startNats, tempDir, waitFor, type TempDir } from '@plass/testing';
import { parseSmtpConfig } from '../delivery/index.js';
import { startNotificationService, type NotificationService } from '../notification-service.js';
import { startTestSmtp, type TestSmtp } from './test-smtp.js';

export { startTestSmtp, type ReceivedMail, type TestSmtp } from './test-smtp.js';

export interface Clock {
  now: Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export interface NotificationHarness {
  dir: TempDir;
  client: Bus;
  booking: BookingService;
  identity: IdentityService;
  notification: NotificationService;
  primary: TestSmtp;
  secondary: TestSmtp;
  /** One clock for booking and notification: tests move it instead of sleeping. */
  clock: Clock;
  settle(): Promise<void>;
  /** Settles, then runs the delivery leader's round once. */
  deliver(): ReturnType<NotificationService['deliverDue']>;
  restartNotification(): Promise<void>;
  /** Another notification replica on the same store and NATS (the caller closes it). */
  startReplica(): Promise<NotificationService>;
  stop(): Promise<void>;
}

/** Real NATS, key vault, identity, booking and notification, two real SMTP servers, all state under one directory. */
export async function startNotificationHarness(): Promise<NotificationHarness> {
  const dir = tempDir('plass-notification-');
  const nats = await startNats({ storeDir: join(dir.path, 'nats') });
  const logger = (service: string) => createLogger({ service, level: 'info', file: join(dir.path, 'logs', `${service}.log`), destination: { write: () => undefined } });
  const clock: Clock = {
    now: new Date('2030-03-04T07:00:00Z'),
    set(iso) {
      this.now = new Date(iso);
    },
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const privacy = await startPrivacyService({
    natsUrl: nats.url,
    dataDir: dir.path,
    masterKey: randomBytes(32),
    logger: logger('privacy'),
    now: () => clock.now,
    erasureParticipants: ['identity', 'booking', 'notification'],
  });
  const identity = await startIdentityService({ natsUrl: nats.url, dataDir: dir.path, identityKey: randomBytes(32), logger: logger('identity'), now: () => clock.now });
  const booking = await startBookingService({
    natsUrl: nats.url,
    dataDir: dir.path,
    logger: logger('booking'),
    now: () => clock.now,
    noShowEveryMs: 3_600_000,
    retentionEveryMs: 3_600_000,
  });
  const primary = await startTestSmtp('primary');
  const secondary = await startTestSmtp('secondary');
  const smtp = parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${primary.port}`, PLASS_SMTP_SECONDARY_URL: `smtp://127.0.0.1:${secondary.port}` })!;
  const start = () =>
    startNotificationService({
      natsUrl: nats.url,
      dataDir: dir.path,
      projectionStore: 'sqlite',
      smtp,
      defaults: { sender: { address: 'desk@plass.example', name: 'plass' }, baseUrl: 'https://plass.example' },
      logger: logger('notification'),
      now: () => clock.now,
      // The leader's timer and event kicks stay out of the way: tests run its rounds with `deliver()`.
      deliverEveryMs: 3_600_000,
      deliverOnEvents: false,
      retentionEveryMs: 3_600_000,
    });
  const client = await Bus.connect({ servers: nats.url, name: 'notification-test-client', requestTimeoutMs: 20_000 });
  const h: NotificationHarness = {
    dir,
    client,
    booking,
    identity,
    notification: await start(),
    primary,
    secondary,
    clock,
    settle: async () =>
      void (await waitFor(async () => (await identity.settled()) && (await privacy.settled()) && (await booking.settled()) && (await h.notification.settled()), {
        what: 'identity, privacy, booking and notification to catch up',
        intervalMs: 25,
      })),
    deliver: async () => {
      await h.settle();
      return h.notification.deliverDue();
    },
    startReplica: start,
    restartNotification: async () => {
      await h.notification.close();
      h.notification = await start();
    },
    stop: async () => {
      await client.close();
      await h.notification.close();
      await booking.close();
      await identity.close();
      await privacy.close();
      await primary.close();
      await secondary.close();
      await nats.stop();
    },
  };
  return h;
}

export const as = (tenantId: string, actorId: string, role: Role): RequestContext => ({ tenantId, actorId, roles: [role], correlationId: randomUUID() });

export interface TestTenant {
  tenantId: string;
  admin: RequestContext;
}

let tenants = 0;
export async function createTenant(h: NotificationHarness): Promise<TestTenant> {
  const n = ++tenants;
  const operator: RequestContext = { tenantId: PLATFORM_TENANT, roles: ['operator'], correlationId: randomUUID() };
  const { tenantId, adminUserId } = await h.client.request(
    CreateTenant,
    { name: `Tenant ${n}`, admin: { email: `admin${n}@example.test`, displayName: `Admin Person ${n}`, password: 'correct horse battery staple' } },
    operator,
  );
  return { tenantId, admin: as(tenantId, adminUserId, 'admin') };
}

/** A user created by an admin without a password: identity's invitation case. */
export async function registerUser(h: NotificationHarness, tenant: TestTenant, displayName: string, options: { locale?: Locale; role?: Role } = {}) {
  const email = `${displayName.toLowerCase().replace(/[^a-z]+/g, '.')}.${randomUUID().slice(0, 8)}@example.test`;
  const role = options.role ?? 'employee';
  const { id } = await h.client.request(RegisterUser, { email, displayName, role, ...(options.locale ? { locale: options.locale } : {}) }, tenant.admin);
  return { id, email, displayName, ctx: as(tenant.tenantId, id, role) };
}
