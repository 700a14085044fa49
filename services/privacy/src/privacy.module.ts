import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Lease, ensureLeaseStore, ensureStreams, runWhileLeader, type Bus, type EventConsumer, type LeaderRunner } from '@plass/bus';
import { Subjects } from '@plass/contracts';
import { allEnvelopes, type EventStore, type Relay } from '@plass/eventstore';
import { ProjectionRunner, projectFromJetStream, relayToJetStream, type ProjectionStore } from '@plass/projections';
import type { Logger } from '@plass/telemetry';
import { DEFAULT_EXPORT_BUNDLE_TTL_MS } from './export-bundles.js';
import { auditedKeys } from './key-audit.js';
import { KeyVault, SqliteKeyStore, registerKeyHandlers, type KeyStore } from './keys/index.js';
import { PrivacyCore } from './privacy-core.js';
import { registerPrivacyHandlers } from './privacy-handlers.js';
import type { SubProcessors } from './domain/sub-processors.js';
import { privacyReadModel, usersDirectory } from './read-model.js';
import { openEventStore, openReadModelStore, privacyDir, type StoreConfig } from './stores.js';

/** The privacy service's NATS connection. */
export type PrivacyBus = Bus;

export interface PrivacyModuleOptions extends StoreConfig {
  masterKey: Buffer;
  /** Master keys being retired: keys wrapped under them stay readable until rewrapped. */
  previousMasterKeys?: Buffer[];
  /** Where the key vault keeps its keys (PLASS_KEYVAULT_STORE). @defaultValue 'sqlite' */
  keyStore?: 'sqlite' | 'mongodb';
  logger: Logger;
  connectBus: () => Promise<Bus>;
  now?: () => Date;
  /** Services that take part in erasure and export (PLASS_ERASURE_PARTICIPANTS). @defaultValue ['identity', 'booking'] */
  erasureParticipants?: readonly string[];
  /** How long a participant may take to answer one step. @defaultValue 3000 */
  participantTimeoutMs?: number;
  /** How often the leader looks for pending requests to continue and for export bundles to delete. @defaultValue 5000 */
  resumeEveryMs?: number;
  /** How long a completed export's bundle is kept. @defaultValue 7 days */
  exportBundleTtlMs?: number;
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** The operator's own processors, in every tenant's record of processing (PLASS_SUB_PROCESSORS). @defaultValue [] */
  platformSubProcessors?: SubProcessors;
  /** Days the audit log and finished erasure and export records are kept (PLASS_PRIVACY_RECORD_RETENTION_DAYS). @defaultValue 1095 */
  recordRetentionDays?: number;
  /** How often the leader deletes the records whose retention passed. @defaultValue 1 hour */
  recordRetentionEveryMs?: number;
}

export const DEFAULT_ERASURE_PARTICIPANTS = ['identity', 'booking'] as const;
/** What `npm start` and production run: analytics confirms it holds nothing of the person, notification forgets its log's links. */
export const DEPLOYED_ERASURE_PARTICIPANTS = ['identity', 'booking', 'analytics', 'notification'] as const;

export const PRIVACY_OPTIONS = Symbol('PRIVACY_OPTIONS');
export const BUS = Symbol('BUS');
export const KEY_STORE = Symbol('KEY_STORE');
export const KEY_VAULT = Symbol('KEY_VAULT');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
export const PRIVACY_CORE = Symbol('PRIVACY_CORE');

async function openKeyStore(o: PrivacyModuleOptions): Promise<KeyStore> {
  if (o.keyStore === 'mongodb') {
    if (!o.mongodbUrl) throw new Error('PLASS_KEYVAULT_STORE=mongodb needs MONGODB_URL');
    // Loaded only when configured: the MongoDB driver costs every process memory.
    const { MongoKeyStore } = await import('./keys/mongo-key-store.js');
    return MongoKeyStore.open({ url: o.mongodbUrl, database: 'plass_keyvault' });
  }
  return new SqliteKeyStore(join(privacyDir(o.dataDir), 'keys.db'));
}

/**
 * Starts serving once everything is built: the relay (event store → JetStream and the read model),
 * the consumer of identity's users, the key vault and the privacy requests,
 * then the leader that resumes pending requests. Shutdown runs in reverse.
 */
@Injectable()
export class PrivacyLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private relay: Relay | undefined;
  private consumers: EventConsumer[] = [];
  private resumer: LeaderRunner | undefined;
  private recordRetention: LeaderRunner | undefined;
  readonly runner: ProjectionRunner;
  readonly users: ProjectionRunner;

  constructor(
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ProjectionStore,
    @Inject(PRIVACY_CORE) private readonly core: PrivacyCore,
  ) {
    this.runner = new ProjectionRunner({ definition: privacyReadModel, store: readModel, logger: options.logger });
    this.users = new ProjectionRunner({ definition: usersDirectory, store: readModel, logger: options.logger });
  }

  /** Resolves once the server knows the subscriptions, so a started service answers at once. */
  async onApplicationBootstrap(): Promise<void> {
    await this.vault.ready();
    // Completes a master key rotation (ADR 0010): rows under a previous key move to the current one.
    const rewrapped = await this.vault.rewrapAll();
    this.options.logger.info({ rewrapped }, 'key vault re-wrapped under the current master key');
    await ensureStreams(this.bus);
    await ensureLeaseStore(this.bus);
    this.relay = await relayToJetStream(this.bus, this.events, this.options.logger, [{ name: 'privacy-read-model', runner: this.runner }]);
    this.consumers.push(await projectFromJetStream(this.bus, this.users, { durable: 'privacy-users', filterSubject: Subjects.eventsOfContext('identity') }));
    registerKeyHandlers(this.bus, this.vault, auditedKeys(this.core.log), (tenantId) => this.core.apps.records.heldSubjects(tenantId));
    registerPrivacyHandlers(this.bus, this.core.apps);
    // Domain time (`now`) may be a test's fixed clock; the lease between replicas needs real time.
    const lease = new Lease(this.bus, { name: 'privacy-request-resume', holder: randomUUID(), ttlMs: 30_000 });
    this.resumer = runWhileLeader(lease, () => this.sweep(), {
      everyMs: this.options.resumeEveryMs ?? 5000,
      onError: (error) => this.options.logger.warn({ err: error }, 'resuming privacy requests failed'),
    });
    const retentionEveryMs = this.options.recordRetentionEveryMs ?? 3_600_000;
    const retentionLease = new Lease(this.bus, { name: 'privacy-record-retention', holder: randomUUID(), ttlMs: 3 * retentionEveryMs });
    this.recordRetention = runWhileLeader(retentionLease, async () => void (await this.expireRecords()), {
      everyMs: retentionEveryMs,
      onError: (error) => this.options.logger.warn({ err: error }, 'privacy record retention failed'),
    });
    this.bus.serveHealth();
    await this.bus.flush();
    this.options.logger.info('privacy service is serving');
  }

  /** Continues every pending erasure and export now, also those waiting for a retry. */
  resume(): Promise<number> {
    return this.core.resume({ force: true });
  }

  /** Deletes the export bundles whose time is up (what the leader does every few seconds); answers how many. */
  async expireExportBundles(): Promise<number> {
    const expired = await this.core.expireExportBundles();
    if (expired > 0) this.options.logger.info({ expired }, 'expired export bundles deleted');
    return expired;
  }

  /** Deletes the audit-log days and finished request records past their retention (what the leader does hourly). */
  async expireRecords(): Promise<{ auditDays: number; requests: number }> {
    const expired = await this.core.expireRecords();
    if (expired.auditDays + expired.requests > 0) this.options.logger.info(expired, 'privacy records past their retention deleted');
    return expired;
  }

  private async sweep(): Promise<void> {
    await this.core.resume({ force: false });
    await this.expireExportBundles();
  }

  /** Replays the privacy read model from the event store (identity's users are not privacy's to rebuild). */
  rebuildReadModel(): Promise<{ applied: number }> {
    return this.runner.rebuild(allEnvelopes(this.events));
  }

  /** Resolves when no saga or assembly runs and every committed event is published and projected. */
  async settled(): Promise<boolean> {
    await this.core.idle();
    await this.relay?.idle();
    const caughtUp = await Promise.all(this.consumers.map((consumer) => consumer.caughtUp()));
    return caughtUp.length > 0 && caughtUp.every(Boolean);
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.resumer?.stop();
      await this.recordRetention?.stop();
      await this.core.stop();
      // The relay publishes through the bus: stopped first, it never meets a closed connection.
      await this.relay?.stop();
      await this.bus.close();
    } finally {
      await this.events.close();
      await this.readModel.close();
      await this.keyStore.close();
    }
  }
}

@Module({})
export class PrivacyModule {
  static forRoot(options: PrivacyModuleOptions): DynamicModule {
    const now = options.now ?? (() => new Date());
    return {
      module: PrivacyModule,
      providers: [
        { provide: PRIVACY_OPTIONS, useValue: options },
        { provide: BUS, useFactory: () => options.connectBus() },
        // After the bus: a failed connect must not leave files open.
        { provide: KEY_STORE, inject: [BUS], useFactory: () => openKeyStore(options) },
        {
          provide: KEY_VAULT,
          inject: [KEY_STORE],
          useFactory: (store: KeyStore) => new KeyVault(store, { masterKey: options.masterKey, previousMasterKeys: options.previousMasterKeys ?? [], now }),
        },
        { provide: EVENT_STORE, inject: [BUS], useFactory: () => openEventStore(options) },
        { provide: READ_MODEL, inject: [BUS], useFactory: () => openReadModelStore(options) },
        {
          provide: PRIVACY_CORE,
          inject: [BUS, KEY_VAULT, EVENT_STORE, READ_MODEL],
          useFactory: (bus: Bus, vault: KeyVault, events: EventStore, readModel: ProjectionStore) =>
            new PrivacyCore({
              bus,
              vault,
              events,
              readModel,
              logger: options.logger,
              now,
              participants: options.erasureParticipants ?? DEFAULT_ERASURE_PARTICIPANTS,
              participantTimeoutMs: options.participantTimeoutMs ?? 3000,
              exportBundleTtlMs: options.exportBundleTtlMs ?? DEFAULT_EXPORT_BUNDLE_TTL_MS,
              ...(options.retry ? { retry: options.retry } : {}),
              ...(options.platformSubProcessors ? { platformSubProcessors: options.platformSubProcessors } : {}),
              ...(options.recordRetentionDays ? { recordRetentionDays: options.recordRetentionDays } : {}),
            }),
        },
        PrivacyLifecycle,
      ],
    };
  }
}
