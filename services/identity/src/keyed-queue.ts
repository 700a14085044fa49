/** Runs work for one key one at a time, in arrival order, within this process; other keys run freely. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<R>(key: string, work: () => Promise<R>): Promise<R> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get pending(): number {
    return this.tails.size;
  }
}
