type Fetch<I, V> = (tenantId: string, items: Array<{ id: string; item: I }>) => Promise<Map<string, V>>;

interface Waiter<I, V> {
  item: I;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the loads issued before the next turn of the event loop into one fetch per tenant
 * (chunked to `maxBatch`), and lets a load join one already pending or in flight for the same id.
 */
export class Coalescer<I, V> {
  private pending = new Map<string, Map<string, Waiter<I, V>>>();
  private readonly inflight = new Map<string, Promise<V>>();
  private scheduled = false;

  constructor(
    private readonly fetch: Fetch<I, V>,
    private readonly maxBatch: number,
  ) {}

  load(tenantId: string, id: string, item: I): Promise<V> {
    const key = `${tenantId}\u0000${id}`;
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const promise = new Promise<V>((resolve, reject) => {
      let batch = this.pending.get(tenantId);
      if (!batch) this.pending.set(tenantId, (batch = new Map<string, Waiter<I, V>>()));
      batch.set(id, { item, resolve, reject });
    });
    const settled = () => this.inflight.delete(key);
    promise.then(settled, settled);
    this.inflight.set(key, promise);
    this.schedule();
    return promise;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const pending = this.pending;
      this.pending = new Map();
      for (const [tenantId, waiters] of pending) {
        const entries = [...waiters];
        for (let i = 0; i < entries.length; i += this.maxBatch) {
          void this.run(tenantId, entries.slice(i, i + this.maxBatch));
        }
      }
    });
  }

  private async run(tenantId: string, entries: Array<[string, Waiter<I, V>]>): Promise<void> {
    try {
      const results = await this.fetch(
        tenantId,
        entries.map(([id, waiter]) => ({ id, item: waiter.item })),
      );
      for (const [id, waiter] of entries) {
        if (results.has(id)) waiter.resolve(results.get(id)!);
        else waiter.reject(new Error(`Key service gave no answer for ${id}`));
      }
    } catch (error) {
      for (const [, waiter] of entries) waiter.reject(error);
    }
  }
}
