export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failures?: number;
  /** How long it stays open before one attempt may probe the primary again (ms). */
  coolDownMs?: number;
  now: () => number;
}

/**
 * Whether the primary provider is tried: closed (yes), open (no, until the cool-down is over),
 * half-open (once, as a probe: success closes, failure opens again for another cool-down).
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | undefined;
  private readonly threshold: number;
  private readonly coolDownMs: number;

  constructor(private readonly options: BreakerOptions) {
    this.threshold = options.failures ?? 3;
    this.coolDownMs = options.coolDownMs ?? 30_000;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.options.now() - this.openedAt >= this.coolDownMs ? 'half_open' : 'open';
  }

  /** Whether to try the primary now. */
  allows(): boolean {
    return this.state !== 'open';
  }

  succeeded(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
  }

  failed(): void {
    this.consecutive += 1;
    if (this.openedAt !== undefined || this.consecutive >= this.threshold) this.openedAt = this.options.now();
  }
}
