import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { registerKeyHandlers, type KeyHandlerBus } from './keys/key-handlers.js';
import type { KeyStore } from './keys/key-store.js';
import { KeyVault } from './keys/key-vault.js';
import { SqliteKeyStore } from './keys/sqlite-key-store.js';
import type { Logger } from '@plass/telemetry';

export type PrivacyBus = KeyHandlerBus & { flush(): Promise<void>; close(): Promise<void>; serveHealth(): void };

export interface PrivacyModuleOptions {
  dataDir: string;
  masterKey: Buffer;
  logger: Logger;
  connectBus: () => Promise<PrivacyBus>;
}

export const PRIVACY_OPTIONS = Symbol('PRIVACY_OPTIONS');
export const BUS = Symbol('BUS');
export const KEY_STORE = Symbol('KEY_STORE');
export const KEY_VAULT = Symbol('KEY_VAULT');

/** Serves the vault once everything is built; on shutdown stops serving before closing the file. */
@Injectable()
export class KeyVaultLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(BUS) private readonly bus: PrivacyBus,
    @Inject(KEY_VAULT) private readonly vault: KeyVault,
    @Inject(KEY_STORE) private readonly store: KeyStore,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
  ) {}

  /** Resolves once the server knows the subscriptions, so a started service answers at once. */
  async onApplicationBootstrap(): Promise<void> {
    registerKeyHandlers(this.bus, this.vault);
    this.bus.serveHealth();
    await this.bus.flush();
    this.options.logger.info('key vault is serving');
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.bus.close();
    } finally {
      await this.store.close();
    }
  }
}

@Module({})
export class PrivacyModule {
  static forRoot(options: PrivacyModuleOptions): DynamicModule {
    return {
      module: PrivacyModule,
      providers: [
        { provide: PRIVACY_OPTIONS, useValue: options },
        { provide: BUS, inject: [PRIVACY_OPTIONS], useFactory: (o: PrivacyModuleOptions) => o.connectBus() },
        {
          provide: KEY_STORE,
          // After the bus: a failed connect must not leave the vault file open.
          inject: [PRIVACY_OPTIONS, BUS],
          useFactory: (o: PrivacyModuleOptions) => {
            const dir = join(o.dataDir, 'privacy');
            mkdirSync(dir, { recursive: true, mode: 0o700 });
            return new SqliteKeyStore(join(dir, 'keys.db'));
          },
        },
        {
          provide: KEY_VAULT,
          inject: [KEY_STORE, PRIVACY_OPTIONS],
          useFactory: (store: KeyStore, o: PrivacyModuleOptions) => new KeyVault(store, { masterKey: o.masterKey }),
        },
        KeyVaultLifecycle,
      ],
    };
  }
}
