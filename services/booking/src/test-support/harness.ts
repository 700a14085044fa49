import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Bus } from '@plass/bus';
import { CreateTenant, PLATFORM_TENANT, RegisterUser, type RequestContext, type Role } from '@plass/contracts';
import { startIdentityService, type IdentityService } from '@plass/identity';
import { startPrivacyService } from '@plass/privacy';
import { createLogger } from '@plass/telemetry';
import { startNats, tempDir, waitFor, type TempDir } from '@plass/testing';
import { startBookingService, type BookingService } from '../booking-service.js';

export interface BookingHarness {
  dir: TempDir;
  client: Bus;
  /** The harness's own nats-server. */
  natsUrl: string;
  booking: BookingService;
  /** The booking service's clock: tests move it instead of sleeping. */
  clock: { now: Date; set(iso: string): void; advance(ms: number): void };
  /** Waits until every committed event is published and projected. */
  settle(): Promise<void>;
  /** Stops the booking service, runs `meanwhile` (the store is free to be written), and starts it again on the same data dir (cold caches). */
  restartBooking(meanwhile?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** Real NATS, the real key vault, identity and booking, all state under one directory. */
export async function startBookingHarness(): Promise<BookingHarness> {
  const dir = tempDir('plass-booking-');
  const nats = await startNats({ storeDir: join(dir.path, 'nats') });
  const logger = (service: string) => createLogger({ service, level: 'info', file: join(dir.path, 'logs', `${service}.log`), destination: { write: () => undefined } });
  const privacy = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: randomBytes(32), logger: logger('privacy') });
  const identity: IdentityService = await startIdentityService({ natsUrl: nats.url, dataDir: dir.path, identityKey: randomBytes(32), logger: logger('identity') });
  const clock = {
    now: new Date('2030-03-04T07:00:00Z'),
    set(iso: string) {
      this.now = new Date(iso);
    },
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  // The workers run once at start only: tests drive them with `releaseDueNoShows()` and `runRetention()`.
  const startBooking = () =>
    startBookingService({
      natsUrl: nats.url,
      dataDir: dir.path,
      logger: logger('booking'),
      now: () => clock.now,
      noShowEveryMs: 3_600_000,
      retentionEveryMs: 3_600_000,
    });
  let booking = await startBooking();
  const client = await Bus.connect({ servers: nats.url, name: 'booking-test-client', requestTimeoutMs: 20_000 });
  let stopped = false;
  return {
    dir,
    client,
    natsUrl: nats.url,
    get booking() {
      return booking;
    },
    clock,
    async restartBooking(meanwhile) {
      await booking.close();
      await meanwhile?.();
      booking = await startBooking();
    },
    // Identity's and privacy's relays first: what they have not yet published, booking cannot have projected.
    settle: async () =>
      void (await waitFor(async () => (await identity.settled()) && (await privacy.settled()) && (await booking.settled()), {
        what: 'identity, privacy and the booking read models to catch up',
        intervalMs: 25,
      })),
    async stop() {
      if (stopped) return;
      stopped = true;
      await client.close();
      await booking.close();
      await identity.close();
      await privacy.close();
      await nats.stop();
    },
  };
}

export const as = (tenantId: string, actorId: string, role: Role): RequestContext => ({ tenantId, actorId, roles: [role], correlationId: randomUUID() });

export interface TestTenant {
  tenantId: string;
  admin: RequestContext;
  adminId: string;
}

let tenants = 0;
export async function createTenant(h: BookingHarness): Promise<TestTenant> {
  const n = ++tenants;
  const operator: RequestContext = { tenantId: PLATFORM_TENANT, roles: ['operator'], correlationId: randomUUID() };
  const { tenantId, adminUserId } = await h.client.request(
    CreateTenant,
    { name: `Tenant ${n}`, admin: { email: `admin${n}@example.test`, displayName: `Admin Person ${n}`, password: 'correct horse battery staple' } },
    operator,
  );
  return { tenantId, adminId: adminUserId, admin: as(tenantId, adminUserId, 'admin') };
}

/** A user who cannot log in (no password: no slow hashing), but has a profile key and a name. */
export async function registerUser(h: BookingHarness, tenant: TestTenant, displayName: string, role: Role = 'employee') {
  const email = `${displayName.toLowerCase().replace(/[^a-z]+/g, '.')}.${randomUUID().slice(0, 8)}@example.test`;
  const { id } = await h.client.request(RegisterUser, { email, displayName, role }, tenant.admin);
  return { id, ctx: as(tenant.tenantId, id, role) };
}
