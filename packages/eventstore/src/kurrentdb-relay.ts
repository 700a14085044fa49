import {
  BACKWARDS,
  END,
  START,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type KurrentDBClient,
  type Position,
} from '@kurrent/kurrentdb-client';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';
import type { EventPublisher, Relay, RelayOptions } from './event-store.js';
import { IdleWaiters } from './idle-waiters.js';
import { comparePositions, toRecordedEvent } from './kurrentdb-mapping.js';
import { backoffDelay, publishWithRetry, sleep } from './publish-with-retry.js';
import { isPrivateStream } from './private-streams.js';

/**
 * A catch-up subscription to $all (system events excluded) from the position stored in
 * `checkpointFile`, which is rewritten after each published event (and each skipped event of a
 * private stream, which is never published). A dropped subscription is
 * resumed from the checkpoint after a backoff.
 */
export class KurrentDbSubscriptionRelay implements Relay {
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private subscription: AllStreamSubscription | undefined;
  private checkpoint: Position | undefined;
  private readonly idleWaiters = new IdleWaiters<bigint>();

  constructor(
    private readonly client: KurrentDBClient,
    private readonly checkpointFile: string,
    private readonly publisher: EventPublisher,
    private readonly options: RelayOptions,
  ) {}

  async start(): Promise<void> {
    if (this.loop) return;
    this.checkpoint = await readCheckpoint(this.checkpointFile);
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    await this.subscription?.unsubscribe().catch(() => undefined);
    await this.loop;
    this.loop = undefined;
    this.idleWaiters.rejectAll(new Error('the relay was stopped'));
  }

  async idle(): Promise<void> {
    if (!this.loop) throw new Error('the relay is not running');
    const target = await this.lastEventPosition();
    if (this.loop === undefined) throw new Error('the relay was stopped');
    if (target === undefined || this.publishedUpTo(target)) return;
    return this.idleWaiters.wait(target);
  }

  private readonly publishedUpTo = (position: bigint): boolean => this.checkpoint !== undefined && this.checkpoint.commit >= position;

  private async run(signal: AbortSignal): Promise<void> {
    for (let failures = 0; !signal.aborted;) {
      const subscription = this.client.subscribeToAll({
        fromPosition: this.checkpoint ?? START,
        filter: excludeSystemEvents(),
      });
      this.subscription = subscription;
      try {
        for await (const { event } of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          if (!event || (this.checkpoint && comparePositions(event.position, this.checkpoint) <= 0)) continue;
          const publish = !isPrivateStream(event.streamId);
          if (publish && !(await publishWithRetry(this.publisher, toRecordedEvent(event), this.options, signal))) return;
          await writeCheckpoint(this.checkpointFile, event.position);
          this.checkpoint = event.position;
          failures = 0;
          this.idleWaiters.settle(this.publishedUpTo);
          if (signal.aborted) return;
        }
      } catch (error) {
        if (!signal.aborted) this.options.onError?.(error);
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
      await sleep(backoffDelay(failures++, this.options.retry), signal);
    }
  }

  private async lastEventPosition(): Promise<bigint | undefined> {
    const newestFirst = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      filter: excludeSystemEvents(),
    });
    for await (const { event } of newestFirst) return event?.position.commit;
    return undefined;
  }
}
