import { createHmac, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { HttpProblem } from '../http/problem.js';

export interface LoginThrottleOptions {
  now: () => Date;
  /** Attempts per address within `windowMs`; the bucket refills evenly. Default 600. */
  attempts?: number;
  /** Default one minute. */
  windowMs?: number;
  /** Addresses remembered at once; the least recently seen are forgotten first. Default 50 000. */
  maxAddresses?: number;
}

export const DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE = 600;

interface Bucket {
  tokens: number;
  at: number;
}

/** The prefix one client controls: an IPv6 host usually holds a whole /64. */
export function clientPrefix(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%', 1)[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * A flood guard per client address for the login routes: a token bucket of attempts, successful or
 * not, set far above what an office behind one address needs (600 a minute by default), so that
 * nobody can make identity verify passwords (scrypt) without end. Guessing is limited elsewhere:
 * identity counts failed logins per account and per address, shared by every replica. Addresses
 * are held only as HMACs under a key that lives in this process's memory, so a heap dump lists no
 * addresses; they are never logged. This bound is per gateway replica.
 */
export class LoginThrottle {
  private readonly key = randomBytes(32);
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxAddresses: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.capacity = options.attempts ?? DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE;
    this.perMs = this.capacity / (options.windowMs ?? 60_000);
    this.maxAddresses = options.maxAddresses ?? 50_000;
  }

  /** Takes one attempt for `address` on `route`, or throws 429 `auth.rate_limited` with `Retry-After`. */
  take(route: string, address: string): void {
    const id = createHmac('sha256', this.key)
      .update(`${route}\n${clientPrefix(address)}`)
      .digest('base64url');
    const now = this.options.now().getTime();
    const previous = this.buckets.get(id);
    const tokens = previous ? Math.min(this.capacity, previous.tokens + (now - previous.at) * this.perMs) : this.capacity;
    // Re-inserted so that the map's order is least recently seen first.
    this.buckets.delete(id);
    if (tokens < 1) {
      this.buckets.set(id, { tokens, at: now });
      const retryAfterS = Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
      throw new HttpProblem('auth.rate_limited', { headers: { 'retry-after': String(retryAfterS) } });
    }
    this.buckets.set(id, { tokens: tokens - 1, at: now });
    this.forgetOldest();
  }

  /** How many addresses are remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private forgetOldest(): void {
    for (const id of this.buckets.keys()) {
      if (this.buckets.size <= this.maxAddresses) return;
      this.buckets.delete(id);
    }
  }
}
