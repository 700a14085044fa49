import type { Jwks } from '@plass/contracts';
import { createLocalJWKSet, type JWTHeaderParameters } from 'jose';
import type { z } from 'zod';

export type JwksDocument = z.infer<typeof Jwks>;

export interface JwksCacheOptions {
  /** Asks identity for its current public keys. */
  fetch: () => Promise<JwksDocument>;
  now: () => Date;
  /** An unknown kid refetches at most this often, so random kids cannot flood identity. Default 10 s. */
  minRefreshIntervalMs?: number;
  /** Background refetch, so removed keys stop verifying. Default 5 min. */
  refreshEveryMs?: number;
  onRefreshFailed?: (error: unknown) => void;
}

/** No key set was ever fetched and identity does not answer now: the gateway cannot tell who calls. */
export class JwksUnavailable extends Error {
  constructor() {
    super('the JWKS could not be fetched');
    this.name = 'JwksUnavailable';
  }
}

type KeyLookup = ReturnType<typeof createLocalJWKSet>;

/** Identity's signing keys, fetched over the bus when first needed and again when a token names a new kid. */
export class JwksCache {
  private lookup: KeyLookup | undefined;
  private kids = new Set<string>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly minRefreshIntervalMs: number;

  constructor(private readonly options: JwksCacheOptions) {
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 10_000;
  }

  /** Starts the periodic refresh (the timer does not keep the process alive). */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), this.options.refreshEveryMs ?? 5 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A jose key resolver: the key the token's kid names, refetching the set once if the kid is new. */
  readonly key = async (header: JWTHeaderParameters, token?: Parameters<KeyLookup>[1]) => {
    if (!this.lookup) {
      await this.refresh().catch(() => undefined);
      if (!this.lookup) throw new JwksUnavailable();
    }
    if (header.kid !== undefined && !this.kids.has(header.kid) && this.mayRefetch()) {
      await this.refresh().catch(() => undefined);
    }
    return this.lookup(header, token);
  };

  /** Whether the key set fetched last holds `kid` (a removed key stops verifying, cached or not). */
  publishes(kid: string): boolean {
    return this.kids.has(kid);
  }

  /** Fetches the key set now; concurrent callers share one fetch. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private mayRefetch(): boolean {
    return this.inFlight !== undefined || this.options.now().getTime() - this.fetchedAt >= this.minRefreshIntervalMs;
  }

  private async fetch(): Promise<void> {
    this.fetchedAt = this.options.now().getTime();
    try {
      const jwks = await this.options.fetch();
      this.lookup = createLocalJWKSet(jwks);
      this.kids = new Set(jwks.keys.map((key) => key.kid));
    } catch (error) {
      this.options.onRefreshFailed?.(error);
      throw error;
    }
  }
}
