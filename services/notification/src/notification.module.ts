import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Bus, Lease, ensureLeaseStore, ensureStreams, runWhileLeader, type EventConsumer, type LeaderRunner } from '@plass/bus';
import { DestroyExpiredKeys, IssuePasswordToken, Subjects, type EventEnvelope, type MailKind, type RequestContext } from '@plass/contracts';
import { BACKGROUND_GATHER_MS, ProjectionRunner, openServiceProjectionStore, projectFromJetStream, type ProjectionStore } from '@plass/projections';
import { NatsKeyClient, Shredder } from '@plass/shredder';
import { createMetrics, type Logger, type Metrics } from '@plass/telemetry';
import { Composer } from './composer.js';
import { MailSender, SENDS_IN_FLIGHT, retryDelay, type SendOutcome, type SmtpConfig } from './delivery/index.js';
import { Dispatcher } from './dispatch.js';
import { registerNotificationHandlers } from './notification-app.js';
import { indexMailsByOwner, type MailDocument } from './outbox.js';
import { bookingNotifications, recipientsDirectory } from './projection.js';
import { Settings, reminderLeadIn, type ServiceDefaults } from './settings.js';
import { SubjectData } from './subject-data.js';

/** Batches of intents and mails one delivery round works through at most (200 × 50 of each). */
const MAX_BATCHES_PER_ROUND = 200;

export interface NotificationModuleOptions {
  natsUrl: string;
  dataDir: string;
  projectionStore: 'sqlite' | 'mongodb';
  mongodbUrl?: string | undefined;
  smtp: SmtpConfig;
  /** How long a mail taken for sending is left to its sender before it is due again (ms); default 60 s, above the SMTP timeouts. */
  claimMs?: number;
  /** How long the primary is bypassed after it failed (ms); default 30 s. */
  breakerCoolDownMs?: number;
  defaults: ServiceDefaults;
  logger: Logger;
  now?: () => Date;
  /** Whether an event that makes a mail due starts a delivery round at once (default); tests that drive rounds themselves turn it off. */
  deliverOnEvents?: boolean;
  /** How often the leader composes and sends what is due (ms); default 2 s. */
  deliverEveryMs?: number;
  /**
   * How long after an event that made a mail due the delivery round starts (ms); default 100. The
   * mails of that spell go out in one round: at a few hundred bookings a second, a round per event
   * spent more on the round (its queries, the gauges) than on the mail.
   */
  deliverAfterEventMs?: number;
  /**
   * How long booking's and identity's events wait for others before the projection commits them
   * together (ms); default 250 (`ProjectionRunner`'s `gatherMs`, ADR 0020).
   */
  gatherMs?: number;
  /** How often the leader applies booking retention to the log (ms); default 15 minutes. */
  retentionEveryMs?: number;
  keyCacheTtlMs?: number;
  metrics?: Metrics;
}

export const OPTIONS = Symbol('NOTIFICATION_OPTIONS');
export const BUS = Symbol('BUS');
export const STORE = Symbol('NOTIFICATION_STORE');

/** How long after an event that made a mail due its delivery round starts, by default (ms). */
export const DELIVER_AFTER_EVENT_MS = 100;

/** Events that may make a mail due now. */
const TRIGGERS = new Set(['BookingConfirmed', 'BookingCancelled', 'BookingReleasedAsNoShow', 'UserRegistered']);

const serviceContext = (tenantId: string): RequestContext => ({ tenantId, roles: [], correlationId: randomUUID() });

/** SQLite: `<dataDir>/notification/notification.db`; MongoDB: database `plass_notification`. */
export function openNotificationStore(options: Pick<NotificationModuleOptions, 'dataDir' | 'projectionStore' | 'mongodbUrl'>): Promise<ProjectionStore> {
  return openServiceProjectionStore(options, 'notification', { file: 'notification.db' });
}

/**
 * Consumes booking's events (durable `notification-bookings`) and identity's
 * (`notification-recipients`) into what it must send and to whom; one replica at a time (lease
 * `notification-delivery`) composes the mails that fell due and sends them through the primary
 * SMTP provider, or the secondary while the primary fails.
 */
@Injectable()
export class NotificationLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: EventConsumer[] = [];
  private readonly workers: LeaderRunner[] = [];
  private readonly sender: MailSender;
  readonly composer: Composer;
  readonly dispatcher: Dispatcher;
  readonly subjects: SubjectData;
  readonly settings: Settings;
  readonly metrics: Metrics;
  private readonly shredder: Shredder;

  constructor(
    @Inject(OPTIONS) private readonly options: NotificationModuleOptions,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(STORE) private readonly store: ProjectionStore,
  ) {
    const now = options.now ?? (() => new Date());
    this.metrics = options.metrics ?? createMetrics('notification');
    this.shredder = new Shredder(new NatsKeyClient(bus, { ttlMs: options.keyCacheTtlMs ?? 30_000 }));
    this.settings = new Settings({ store, defaults: options.defaults });
    this.sender = new MailSender(options.smtp, { now: () => now().getTime(), ...(options.breakerCoolDownMs ? { breaker: { coolDownMs: options.breakerCoolDownMs } } : {}) });
    const dropped = this.metrics.counter('plass_notification_mails_dropped_total', 'Mails not sent: turned off, recipient unknown or erased', ['kind']);
    this.composer = new Composer({
      store,
      shredder: this.shredder,
      settings: this.settings,
      now,
      issuePasswordToken: (tenantId, userId) => this.issuePasswordToken(tenantId, userId),
      onDropped: (kind: MailKind) => dropped.inc({ kind }),
    });
    const sent = this.metrics.counter('plass_notification_mails_sent_total', 'Mails accepted by an SMTP provider', ['kind', 'provider']);
    const failed = this.metrics.counter('plass_notification_mails_failed_total', 'Mails an SMTP provider refused for good, or that ran out of attempts', ['kind', 'provider']);
    const retried = this.metrics.counter('plass_notification_mails_retried_total', 'Transient SMTP failures that put a mail back with backoff', ['kind']);
    this.dispatcher = new Dispatcher({
      store,
      shredder: this.shredder,
      send: (mail) => this.sender.send(mail),
      retryDelay: (attempt) => retryDelay(attempt),
      now,
      inFlight: SENDS_IN_FLIGHT,
      ...(options.claimMs ? { claimMs: options.claimMs } : {}),
      onOutcome: (mail: MailDocument, outcome: SendOutcome | { status: 'dropped' }) => {
        if (outcome.status === 'sent') sent.inc({ kind: mail.kind, provider: outcome.provider });
        else if (outcome.status === 'failed') failed.inc({ kind: mail.kind, provider: outcome.provider });
        else if (outcome.status === 'retry') retried.inc({ kind: mail.kind });
        else dropped.inc({ kind: mail.kind });
      },
    });
    const depth = this.metrics.gauge('plass_notification_queue_depth', 'Mails waiting to be sent');
    const breaker = this.metrics.gauge('plass_notification_breaker_open', 'Whether the primary SMTP provider is bypassed (1 open, 0.5 half-open, 0 closed)');
    this.refreshGauges = async () => {
      depth.set(await this.dispatcher.depth());
      const state = this.sender.breakerState();
      breaker.set(state === 'open' ? 1 : state === 'half_open' ? 0.5 : 0);
    };
    this.subjects = new SubjectData({ store, shredder: this.shredder, now });
  }

  private readonly refreshGauges: () => Promise<void>;
  private delivery: LeaderRunner | undefined;
  private deliveryLease: Lease | undefined;

  /** The delivery round as the lease decides it: only the replica holding `notification-delivery` works. */
  async deliverIfLeader(): Promise<boolean> {
    if (!(await this.deliveryLease!.acquire())) return false;
    await this.deliverDue();
    return true;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { bus, store, options } = this;
    await ensureStreams(bus);
    await ensureLeaseStore(bus);
    await indexMailsByOwner(store);
    // An event that may have made a mail due wakes the delivery round instead of waiting for its period.
    const runner = (definition: ConstructorParameters<typeof ProjectionRunner>[0]['definition']) => {
      const projection = new ProjectionRunner({ definition, store, logger: options.logger, gatherMs: options.gatherMs ?? BACKGROUND_GATHER_MS });
      return {
        handle: async (envelope: EventEnvelope) => {
          const outcome = await projection.handle(envelope);
          if (outcome === 'applied' && options.deliverOnEvents !== false && TRIGGERS.has(envelope.type)) this.delivery?.kick();
          return outcome;
        },
      };
    };
    this.consumers.push(
      await projectFromJetStream(bus, runner(bookingNotifications(reminderLeadIn(options.defaults))), {
        durable: 'notification-bookings',
        filterSubject: Subjects.eventsOfContext('booking'),
      }),
      await projectFromJetStream(bus, runner(recipientsDirectory), { durable: 'notification-recipients', filterSubject: Subjects.eventsOfContext('identity') }),
    );
    registerNotificationHandlers(bus, { store, shredder: this.shredder, settings: this.settings, subjects: this.subjects, now: options.now ?? (() => new Date()) });
    const holder = randomUUID();
    const now = () => (options.now?.() ?? new Date()).getTime();
    const retentionEveryMs = options.retentionEveryMs ?? 15 * 60_000;
    const deliverEveryMs = options.deliverEveryMs ?? 2000;
    // Short, so a replica takes over soon after the leader died; a round that outlives it is safe, as every mail is claimed before it is sent.
    this.deliveryLease = new Lease(bus, { name: 'notification-delivery', holder, ttlMs: Math.max(10_000, 5 * deliverEveryMs), now });
    this.delivery = runWhileLeader(this.deliveryLease, () => this.deliverDue().then(() => undefined), {
      everyMs: deliverEveryMs,
      kickDelayMs: options.deliverAfterEventMs ?? DELIVER_AFTER_EVENT_MS,
      onError: (error) => options.logger.warn({ err: error }, 'notification delivery round failed'),
    });
    this.workers.push(
      this.delivery,
      runWhileLeader(new Lease(bus, { name: 'notification-retention', holder, ttlMs: 3 * retentionEveryMs, now }), () => this.applyRetention().then(() => undefined), {
        everyMs: retentionEveryMs,
        onError: (error) => options.logger.warn({ err: error }, 'notification retention round failed'),
      }),
    );
    bus.serveHealth();
    await bus.flush();
    options.logger.info({ secondary: this.options.smtp.secondary !== undefined }, 'notification service is serving');
  }

  private rounds: Promise<unknown> = Promise.resolve();

  /**
   * One round of the leader's work: compose what fell due and send what is queued, in batches,
   * until nothing due is left (a backlog drains at the providers' pace, not one batch per tick).
   * Rounds never overlap.
   */
  deliverDue(): Promise<{ queued: number; sent: number; failed: number; retried: number; dropped: number }> {
    const round = this.rounds.then(async () => {
      const total = { queued: 0, sent: 0, failed: 0, retried: 0, dropped: 0 };
      // Bounded, so that a store in an unexpected state cannot hold the round forever; the next tick goes on.
      for (let more = true, batches = 0; more && batches < MAX_BATCHES_PER_ROUND; batches += 1) {
        const composed = await this.composer.runDue();
        const dispatched = await this.dispatcher.runDue();
        total.queued += composed.queued;
        total.dropped += composed.dropped + dispatched.dropped;
        total.sent += dispatched.sent;
        total.failed += dispatched.failed;
        total.retried += dispatched.retried;
        more = composed.more || dispatched.more;
      }
      await this.refreshGauges();
      return total;
    });
    this.rounds = round.catch(() => undefined);
    return round;
  }

  async applyRetention(): Promise<number> {
    let unlinked = 0;
    for (const { tenantId, periodsBefore } of await this.subjects.retentionCutoffs()) {
      unlinked += await this.subjects.applyRetention(tenantId, periodsBefore);
      await this.bus.request(DestroyExpiredKeys, { purpose: 'notification', periodsBefore }, serviceContext(tenantId));
    }
    if (unlinked > 0) this.options.logger.info({ unlinked }, 'retention unlinked notification log entries');
    return unlinked;
  }

  private async issuePasswordToken(tenantId: string, userId: string): Promise<{ token: string; expiresAt: string } | undefined> {
    try {
      return await this.bus.request(IssuePasswordToken, { userId }, serviceContext(tenantId));
    } catch (error) {
      // Refusals (unknown user, password already set) are final; an unreachable identity is retried by the caller's round.
      if ((error as { error?: { code?: string } }).error?.code === 'service.unavailable') throw error;
      return undefined;
    }
  }

  async settled(): Promise<boolean> {
    const caughtUp = await Promise.all(this.consumers.map((consumer) => consumer.caughtUp()));
    return caughtUp.every(Boolean);
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await Promise.all(this.workers.map((worker) => worker.stop()));
      await this.bus.close();
      this.sender.close();
    } finally {
      await this.store.close();
    }
  }
}

@Module({})
export class NotificationModule {
  static forRoot(options: NotificationModuleOptions): DynamicModule {
    return {
      module: NotificationModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: BUS, useFactory: () => Bus.connect({ servers: options.natsUrl, name: 'notification', logger: options.logger }) },
        { provide: STORE, useFactory: () => openNotificationStore(options) },
        NotificationLifecycle,
      ],
    };
  }
}
