export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Attempts in all, the first included: after the last one a mail has failed. */
  maxAttempts?: number;
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: before retry `attempt` (1 = after the first failure) a
 * random wait in [0, min(cap, base · 2^(attempt−1))]; undefined once the attempts are used up.
 */
export function retryDelay(attempt: number, options: BackoffOptions = {}): number | undefined {
  const { baseMs = 1000, capMs = 15 * 60_000, maxAttempts = 8, random = Math.random } = options;
  if (attempt >= maxAttempts) return undefined;
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
