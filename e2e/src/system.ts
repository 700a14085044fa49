import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startBookingService, type BookingService } from '@plass/booking';
import type { IdentityService, IdentityServiceConfig } from '@plass/identity';
import { startGateway, type GatewayConfig } from '@plass/gateway';
import { startIdentityService } from '@plass/identity';
import { startAnalyticsService, type AnalyticsService } from '@plass/analytics';
import { parseSmtpConfig, startNotificationService, startTestSmtp, type NotificationService, type TestSmtp } from '@plass/notification';
import { DEPLOYED_ERASURE_PARTICIPANTS, startPrivacyService, type PrivacyServiceConfig } from '@plass/privacy';
import { createLogger, initTracing } from '@plass/telemetry';
import { startNats, tempDir, type NatsServerHandle, type TempDir } from '@plass/testing';

export interface System {
  url: string;
  dataDir: string;
  natsUrl: string;
  operatorToken: string;
  spans: InMemorySpanExporter;
  booking: BookingService;
  identity: IdentityService;
  privacy: Awaited<ReturnType<typeof startPrivacyService>>;
  analytics: AnalyticsService;
  notification: NotificationService;
  /** A real SMTP server (smtp-server) as the primary provider: what it accepted. */
  smtp: TestSmtp;
  /** The key vault's master key, to look at the vault's file as an attacker with it would. */
  masterKey: Buffer;
  /** Moves the gateway's clock (token expiry) without sleeping. */
  advanceGatewayClock(ms: number): void;
  /** What the booking service takes for now (past, advance, cutoff, check-in, no-show rules). */
  bookingNow(): Date;
  /** Moves the booking service's clock without sleeping; negative moves it back. */
  advanceBookingClock(ms: number): void;
  /** Moves the privacy service's clock (deadlines, retention of its records) without sleeping. */
  advancePrivacyClock(ms: number): void;
  /** Stops every service and the NATS server; files stay for scanning. */
  stop(): Promise<void>;
  remove(): void;
}

const logFile = (dataDir: string, service: string) => join(dataDir, 'logs', `${service}.log`);

/**
 * The whole system in one process, on the embedded defaults, with every byte of state under one
 * PLASS_DATA_DIR — including the private nats-server's JetStream store.
 */
export interface SystemOptions {
  /**
   * Booking replicas beyond the first, on the same data dir (event store and read model files):
   * NATS spreads requests over all of them, as over replicas in production. Each keeps its own
   * caches, which is what replicas do to each other's consistency.
   */
  extraBookingReplicas?: number;
  /** The gateway's login flood guard and trusted proxies; by default a guard no test client meets. */
  gateway?: Pick<GatewayConfig, 'loginThrottle' | 'trustProxy'>;
  /** Identity's failed-login limits. */
  identityLoginThrottle?: IdentityServiceConfig['loginThrottle'];
  /** The operator's own processors (PLASS_SUB_PROCESSORS). */
  platformSubProcessors?: PrivacyServiceConfig['platformSubProcessors'];
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const spans = new InMemorySpanExporter();
  const tracing = initTracing({ serviceName: 'plass-e2e', spanProcessors: [new SimpleSpanProcessor(spans)] });
  const data: TempDir = tempDir('plass-e2e-');
  const dataDir = data.path;
  const nats: NatsServerHandle = await startNats({ storeDir: join(dataDir, 'nats') });
  const logger = (service: string) => createLogger({ service, level: 'debug', file: logFile(dataDir, service) });
  const operatorToken = randomBytes(24).toString('base64url');
  let clockOffsetMs = 0;
  let bookingOffsetMs = 0;
  const bookingNow = () => new Date(Date.now() + bookingOffsetMs);
  let privacyOffsetMs = 0;
  const masterKey = randomBytes(32);
  const privacy = await startPrivacyService({
    natsUrl: nats.url,
    dataDir,
    masterKey,
    logger: logger('privacy'),
    now: () => new Date(Date.now() + privacyOffsetMs),
    erasureParticipants: DEPLOYED_ERASURE_PARTICIPANTS,
    ...(options.platformSubProcessors ? { platformSubProcessors: options.platformSubProcessors } : {}),
  });
  const identity = await startIdentityService({
    natsUrl: nats.url,
    dataDir,
    identityKey: randomBytes(32),
    logger: logger('identity'),
    ...(options.identityLoginThrottle ? { loginThrottle: options.identityLoginThrottle } : {}),
  });
  const booking = await startBookingService({
    natsUrl: nats.url,
    dataDir,
    logger: logger('booking'),
    now: bookingNow,
    // Tests release no-shows themselves (booking.releaseDueNoShows()) after moving the clock.
    noShowEveryMs: 3_600_000,
  });
  const analytics = await startAnalyticsService({ natsUrl: nats.url, dataDir, logger: logger('analytics') });
  const smtp = await startTestSmtp('primary');
  const notification = await startNotificationService({
    natsUrl: nats.url,
    dataDir,
    projectionStore: 'sqlite',
    smtp: parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${smtp.port}` })!,
    defaults: { sender: { address: 'desk@plass.example', name: 'plass' }, baseUrl: 'https://plass.example' },
    logger: logger('notification'),
    now: bookingNow,
    deliverEveryMs: 200,
  });
  const replicas: BookingService[] = [];
  for (let n = 1; n <= (options.extraBookingReplicas ?? 0); n++) {
    replicas.push(await startBookingService({ natsUrl: nats.url, dataDir, logger: logger(`booking-${n}`), now: bookingNow, noShowEveryMs: 3_600_000 }));
  }
  const gateway = await startGateway({
    natsUrl: nats.url,
    port: 0,
    host: '127.0.0.1',
    logger: logger('gateway'),
    operatorToken,
    now: () => new Date(Date.now() + clockOffsetMs),
    // Every test client logs in from 127.0.0.1; the per-address throttle has its own tests.
    loginThrottle: { attempts: 10_000 },
    ...options.gateway,
  });
  let stopped = false;
  return {
    url: gateway.url,
    dataDir,
    natsUrl: nats.url,
    operatorToken,
    spans,
    booking,
    identity,
    privacy,
    analytics,
    notification,
    smtp,
    masterKey,
    advanceGatewayClock: (ms) => {
      clockOffsetMs += ms;
    },
    bookingNow,
    advancePrivacyClock: (ms) => {
      privacyOffsetMs += ms;
    },
    advanceBookingClock: (ms) => {
      bookingOffsetMs += ms;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await gateway.close();
      await booking.close();
      for (const replica of replicas) await replica.close();
      await analytics.close();
      await notification.close();
      await smtp.close();
      await identity.close();
      await privacy.close();
      await nats.stop();
      await tracing.shutdown();
    },
    remove: () => data.remove(),
  };
}
