interface Waiter<T> {
  target: T;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Callers of `Relay.idle()`, each waiting for the relay to have published up to its target. */
export class IdleWaiters<T> {
  private waiters: Waiter<T>[] = [];

  get size(): number {
    return this.waiters.length;
  }

  wait(target: T): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  settle(isDone: (target: T) => boolean): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => {
      if (!isDone(waiter.target)) return true;
      waiter.resolve();
      return false;
    });
  }

  rejectAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
