import { createHmac } from 'node:crypto';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { Bus, ensureStreams } from '@plass/bus';
import { allEnvelopes, type EventStore, type Relay } from '@plass/eventstore';
import { ProjectionRunner, relayToJetStream, type ProjectionStore } from '@plass/projections';
import { NatsKeyClient, Shredder } from '@plass/shredder';
import type { Logger } from '@plass/telemetry';
import { AuthApp } from './auth-app.js';
import { emailBlindIndex, type EmailBlindIndex } from './credentials/email-index.js';
import { EmailIndexStore } from './credentials/email-index-store.js';
import { deriveIdentitySecrets } from './credentials/identity-secrets.js';
import { LoginThrottle, type LoginThrottleOptions } from './credentials/login-throttle.js';
import { PasswordHasher, type ScryptParams } from './credentials/password-hasher.js';
import { IdentityApp } from './identity-app.js';
import { registerIdentityHandlers } from './identity-handlers.js';
import { openCredentialsDb, openEventStore, openReadModelStore } from './stores.js';
import { PasswordTokenStore } from './tokens/password-tokens.js';
import { RefreshTokenStore } from './tokens/refresh-tokens.js';
import { SigningKeyRing } from './tokens/signing-keys.js';
import { identityReadModel } from './users/read-model.js';
import { SubjectParticipant } from './privacy/subject-participant.js';
import { holdsAddressIn } from './users/user-record.js';

export interface IdentityModuleOptions {
  natsUrl: string;
  dataDir: string;
  /** 32 bytes (PLASS_IDENTITY_KEY): wraps the signing keys and keys the e-mail blind index. */
  identityKey: Buffer;
  logger: Logger;
  now?: () => Date;
  /** @defaultValue 900 (15 minutes) */
  accessTokenTtlSeconds?: number;
  /** @defaultValue 30 days */
  refreshTokenTtlSeconds?: number;
  /** @defaultValue 24 */
  signingKeyMaxAgeHours?: number;
  loginThrottle?: Omit<LoginThrottleOptions, 'now'>;
  scrypt?: ScryptParams;
  keyCacheTtlMs?: number;
}

/** Retired signing keys stay published this much longer than their last token lives. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const OPTIONS = Symbol('IDENTITY_OPTIONS');
export const BUS = Symbol('BUS');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL = Symbol('READ_MODEL');
export const CREDENTIALS = Symbol('CREDENTIALS');
export const IDENTITY_APP = Symbol('IDENTITY_APP');
export const AUTH_APP = Symbol('AUTH_APP');
export const SUBJECTS = Symbol('SUBJECTS');

/** Identity's own SQLite state and what works on it. */
export interface Credentials {
  db: Database.Database;
  hasher: PasswordHasher;
  blindIndex: EmailBlindIndex;
  emailIndex: EmailIndexStore;
  throttle: LoginThrottle;
  clientKey: (client: string) => string;
  refreshTokens: RefreshTokenStore;
  passwordTokens: PasswordTokenStore;
  signingKeys: SigningKeyRing;
}

function openCredentials(options: IdentityModuleOptions, events: EventStore, shredder: Shredder): Credentials {
  const now = options.now ?? (() => new Date());
  const secrets = deriveIdentitySecrets(options.identityKey);
  const db = openCredentialsDb(options.dataDir);
  const accessTtlMs = (options.accessTokenTtlSeconds ?? 900) * 1000;
  const blindIndex = emailBlindIndex(secrets.emailIndex);
  return {
    db,
    hasher: new PasswordHasher(options.scrypt),
    blindIndex,
    emailIndex: new EmailIndexStore(db, { now, holdsAddress: holdsAddressIn(events, shredder, blindIndex) }),
    throttle: new LoginThrottle(db, { now, ...options.loginThrottle }),
    clientKey: (client) => createHmac('sha256', secrets.clientAddress).update(client).digest('base64url'),
    refreshTokens: new RefreshTokenStore(db, { now, ttlMs: (options.refreshTokenTtlSeconds ?? 30 * 86_400) * 1000 }),
    passwordTokens: new PasswordTokenStore(db, { now }),
    signingKeys: new SigningKeyRing(db, {
      wrapKey: secrets.signingKeyWrap,
      now,
      maxAgeMs: (options.signingKeyMaxAgeHours ?? 24) * 3_600_000,
      publishRetiredForMs: accessTtlMs + CLOCK_SKEW_MS,
    }),
  };
}

/**
 * Starts serving once everything is built: the relay (event store → JetStream and the read model),
 * a signing key, then the request handlers and health last.
 */
@Injectable()
export class IdentityLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private relay: Relay | undefined;
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(OPTIONS) private readonly options: IdentityModuleOptions,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ProjectionStore,
    @Inject(CREDENTIALS) private readonly credentials: Credentials,
    @Inject(IDENTITY_APP) private readonly identity: IdentityApp,
    @Inject(AUTH_APP) private readonly auth: AuthApp,
    @Inject(SUBJECTS) private readonly subjects: SubjectParticipant,
  ) {
    this.runner = new ProjectionRunner({ definition: identityReadModel, store: readModel, logger: options.logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.bus);
    this.relay = await relayToJetStream(this.bus, this.events, this.options.logger, [{ name: 'identity-read-model', runner: this.runner }]);
    this.credentials.signingKeys.current();
    registerIdentityHandlers(this.bus, this.identity, this.auth, this.subjects);
    this.bus.serveHealth();
    await this.bus.flush();
    this.options.logger.info('identity service is serving');
  }

  /** Replays the read model from the event store (the source of truth). */
  rebuildReadModel(): Promise<{ applied: number }> {
    return this.runner.rebuild(allEnvelopes(this.events));
  }

  /** Resolves when every committed event is published and projected. */
  async settled(): Promise<boolean> {
    if (!this.relay) return false;
    await this.relay.idle();
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      // The relay publishes through the bus: stopped first, it never meets a closed connection.
      await this.relay?.stop();
      await this.bus.close();
    } finally {
      await this.events.close();
      await this.readModel.close();
      if (this.credentials.db.open) this.credentials.db.close();
    }
  }
}

@Module({})
export class IdentityModule {
  static forRoot(options: IdentityModuleOptions): DynamicModule {
    const now = options.now ?? (() => new Date());
    return {
      module: IdentityModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: BUS, useFactory: () => Bus.connect({ servers: options.natsUrl, name: 'identity', logger: options.logger }) },
        // After the bus: a failed connect must not leave files open.
        { provide: EVENT_STORE, inject: [BUS], useFactory: () => openEventStore(options.dataDir) },
        { provide: READ_MODEL, inject: [BUS], useFactory: () => openReadModelStore(options.dataDir) },
        {
          provide: Shredder,
          inject: [BUS],
          useFactory: (bus: Bus) => new Shredder(new NatsKeyClient(bus, { ttlMs: options.keyCacheTtlMs ?? 30_000 })),
        },
        {
          provide: CREDENTIALS,
          inject: [EVENT_STORE, Shredder],
          useFactory: (events: EventStore, shredder: Shredder) => openCredentials(options, events, shredder),
        },
        {
          provide: IDENTITY_APP,
          inject: [EVENT_STORE, READ_MODEL, Shredder, CREDENTIALS],
          useFactory: (events: EventStore, readModel: ProjectionStore, shredder: Shredder, c: Credentials) =>
            new IdentityApp({
              events,
              readModel,
              shredder,
              hasher: c.hasher,
              blindIndex: c.blindIndex,
              emailIndex: c.emailIndex,
              throttle: c.throttle,
              passwordTokens: c.passwordTokens,
              now,
            }),
        },
        {
          provide: SUBJECTS,
          inject: [EVENT_STORE, Shredder, CREDENTIALS],
          useFactory: (events: EventStore, shredder: Shredder, c: Credentials) =>
            new SubjectParticipant({
              events,
              shredder,
              emailIndex: c.emailIndex,
              throttle: c.throttle,
              refreshTokens: c.refreshTokens,
              passwordTokens: c.passwordTokens,
              now,
            }),
        },
        {
          provide: AUTH_APP,
          inject: [EVENT_STORE, Shredder, CREDENTIALS],
          useFactory: (events: EventStore, shredder: Shredder, c: Credentials) =>
            new AuthApp({
              events,
              shredder,
              hasher: c.hasher,
              blindIndex: c.blindIndex,
              emailIndex: c.emailIndex,
              throttle: c.throttle,
              clientKey: c.clientKey,
              refreshTokens: c.refreshTokens,
              passwordTokens: c.passwordTokens,
              signingKeys: c.signingKeys,
              now,
              accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 900,
              logger: options.logger,
            }),
        },
        IdentityLifecycle,
      ],
    };
  }
}
