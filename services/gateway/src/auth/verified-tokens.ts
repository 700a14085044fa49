import type { RequestContext } from '@plass/contracts';

interface Verified {
  ctx: Omit<RequestContext, 'correlationId'>;
  kid: string;
  /** Epoch ms; the entry answers only inside [notBefore, expiresAt). */
  notBefore: number;
  expiresAt: number;
}

/**
 * Tokens already verified, by their exact text: a client sends the same token with every request,
 * and an Ed25519 verification costs more than the rest of the gateway's work on a request. A hit
 * still checks the validity window and that the signing key is still published, so an entry never
 * outlives what a full verification would accept. Bounded; the oldest entries go first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Verified>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string, nowMs: number, publishes: (kid: string) => boolean): Verified['ctx'] | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (nowMs < entry.notBefore || nowMs >= entry.expiresAt || !publishes(entry.kid)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.ctx;
  }

  set(token: string, entry: Verified): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
