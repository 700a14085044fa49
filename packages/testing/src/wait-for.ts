import { inspect } from 'node:util';

/**
 * Waits on a condition, not on wall time: polls `probe` until it returns a value other than
 * undefined/false, failing with `what` after `timeoutMs`.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 10, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${describeError(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** An Error as `Name: message`; anything else thrown (a plain object, say) inspected rather than `[object Object]`. */
function describeError(error: unknown): string {
  if (error instanceof Error) return String(error);
  return typeof error === 'string' ? error : inspect(error);
}
