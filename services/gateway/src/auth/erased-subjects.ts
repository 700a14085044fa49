import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { Bus } from '@plass/bus';
import { EventEnvelope, ErasureCompleted, Streams, Subjects } from '@plass/contracts';

export interface ErasedSubjectsOptions {
  now: () => Date;
  /**
   * How long an erasure is remembered: past the lifetime of any access token issued before it (an
   * erased person cannot log in again), plus clock skew.
   */
  rememberMs: number;
}

/**
 * The people erased within the last access-token lifetime, from privacy's `ErasureCompleted`
 * events on JetStream: read back that far when the gateway starts (so a replica started after an
 * erasure knows it), then as they come. Their still-valid tokens are answered 410
 * `privacy.subject_erased` on every route, as booking already did. Ids only, in memory.
 */
export class ErasedSubjects {
  private readonly erasedAt = new Map<string, number>();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: ErasedSubjectsOptions) {}

  /** Follows the events from now on; until PLASS_EVENTS exists (the services create it) it tries again every 2 s. */
  start(bus: Bus): void {
    this.follow(bus).catch(() => {
      if (!this.stopped) this.retry = setTimeout(() => this.start(bus), 2000);
    });
  }

  private async follow(bus: Bus): Promise<void> {
    const since = new Date(this.options.now().getTime() - this.options.rememberMs).toISOString();
    const consumer = await bus.js.consumers.get(Streams.events, {
      filter_subjects: Subjects.eventsOfType('privacy', ErasureCompleted.type),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since,
    });
    const messages = await consumer.consume();
    this.messages = messages;
    this.loop = (async () => {
      for await (const msg of messages) {
        const envelope = EventEnvelope.safeParse(msg.json());
        const data = envelope.success ? ErasureCompleted.data.safeParse(envelope.data.data) : undefined;
        if (envelope.success && data?.success) this.erasedAt.set(keyOf(envelope.data.tenantId, data.data.subjectId), Date.parse(data.data.completedAt));
      }
    })().catch(() => undefined);
    void bus.track(this.loop);
  }

  has(tenantId: string, userId: string): boolean {
    const at = this.erasedAt.get(keyOf(tenantId, userId));
    if (at === undefined) return false;
    if (at + this.options.rememberMs < this.options.now().getTime()) {
      this.erasedAt.delete(keyOf(tenantId, userId));
      return false;
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.messages?.stop();
    await this.loop;
  }
}

const keyOf = (tenantId: string, userId: string) => `${tenantId}:${userId}`;
