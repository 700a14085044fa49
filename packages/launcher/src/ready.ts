/**
 * Polls `probe` until it answers true; false when `timeoutMs` passes or `signal` aborts first.
 * Probes that throw count as "not yet".
 */
export async function waitUntil(probe: () => Promise<boolean>, options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (!options.signal?.aborted) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.intervalMs ?? 50);
      options.signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }
  return false;
}

export async function answers200(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.status === 200;
}
