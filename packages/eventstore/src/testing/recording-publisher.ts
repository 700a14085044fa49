import type { EventPublisher, RecordedEvent } from '../event-store.js';

/** An in-memory EventPublisher for relay tests: records what it accepted, fails on demand. */
export class RecordingPublisher implements EventPublisher {
  readonly published: RecordedEvent[] = [];
  private failuresLeft = 0;
  private readonly waiters = new Set<() => void>();

  /** The next `attempts` publishes throw before recording anything. */
  failNext(attempts: number): void {
    this.failuresLeft = attempts;
  }

  async publish(event: RecordedEvent): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('the test publisher refused the event');
    }
    this.published.push(event);
    for (const waiter of this.waiters) waiter();
  }

  /** Published events of the given streams, in publish order. */
  of(streamIds: Iterable<string>): RecordedEvent[] {
    const streams = new Set(streamIds);
    return this.published.filter((event) => streams.has(event.streamId));
  }

  /** Resolves once every event id in `ids` was published. */
  waitFor(ids: Iterable<string>): Promise<void> {
    const wanted = new Set(ids);
    const done = () => {
      const published = new Set(this.published.map((event) => event.id));
      return [...wanted].every((id) => published.has(id));
    };
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}
