import { randomUUID } from 'node:crypto';
import type { AuditEntry, RequestContext } from '@plass/contracts';
import { envelopeFor } from '@plass/bus';
import { handleMultiStreamCommand, loadStream, toNewEvent, type EventStore, type Loaded, type RecordedEvent, type StreamAppend } from '@plass/eventstore';
import { auditEvent, type AuditInput } from './domain/audit.js';
import type { Recorded } from './domain/recorded.js';
import { auditStream } from './streams.js';

export type Fold<S> = (events: RecordedEvent[]) => S;

/** Folds stored events with the time each happened (the envelope's occurredAt). */
export const foldRecorded =
  <S>(initial: S, evolve: (state: S, event: Recorded) => S): Fold<S> =>
  (events) =>
    events.reduce((state, event) => evolve(state, { type: event.type, data: event.data, at: String(event.metadata.occurredAt) } as Recorded), initial);

/** What one commit appends, and what it answers; a refusal is thrown (`decided`) before it. */
export interface Commit<R> {
  events: Recorded[];
  /** Appended in the same atomic write as `events`. */
  audit?: AuditInput[];
  result: R;
}

const dayOf = (at: string) => at.slice(0, 10);

/** The privacy event store, with the audit log written in the same appends as what it records. */
export class PrivacyLog {
  constructor(
    readonly events: EventStore,
    private readonly now: () => Date,
  ) {}

  load<S>(streamId: string, fold: Fold<S>): Promise<Loaded<S>> {
    return loadStream(this.events, streamId, fold);
  }

  async read<S>(streamId: string, fold: Fold<S>): Promise<S> {
    return fold(await this.events.readStream(streamId));
  }

  /**
   * The command cycle on `streamId`: read, decide at `now`, append the events and their audit
   * entries atomically; when the stream moved meanwhile the cycle runs again on fresh state.
   */
  commit<S, R>(ctx: RequestContext, streamId: string, fold: Fold<S>, decide: (state: S, now: string) => Commit<R>): Promise<R> {
    return handleMultiStreamCommand(this.events, async () => {
      const loaded = await this.load(streamId, fold);
      const now = this.now().toISOString();
      const { events, audit = [], result } = decide(loaded.state, now);
      const appends: StreamAppend[] = [{ streamId, events: this.stored(events, ctx, streamId), expectedRevision: loaded.expectedRevision }];
      return { appends: [...appends, ...this.auditAppends(ctx, audit, now)], result };
    });
  }

  /** Audit entries on their own (an operation that records nothing else, such as serving an export). */
  async audit(ctx: RequestContext, ...entries: AuditInput[]): Promise<void> {
    const appends = this.auditAppends(ctx, entries, this.now().toISOString());
    if (appends.length > 0) await this.events.appendToStreams(appends);
  }

  /** The tenant's audit entries in [from, to], oldest first. */
  async readAudit(tenantId: string, from: Date, to: Date): Promise<AuditEntry[]> {
    const days: string[] = [];
    for (let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); day <= to.getTime(); day += 86_400_000) {
      days.push(new Date(day).toISOString().slice(0, 10));
    }
    const streams = await Promise.all(days.map((day) => this.events.readStream(auditStream(tenantId, day))));
    return streams
      .flat()
      .map((event) => event.data as AuditEntry)
      .filter((entry) => Date.parse(entry.at) >= from.getTime() && Date.parse(entry.at) <= to.getTime())
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  private stored(events: Recorded[], ctx: RequestContext, streamId: string) {
    return events.map(({ at, ...event }) => toNewEvent(envelopeFor(event, { ctx, context: 'privacy', streamId, now: new Date(at) })));
  }

  private auditAppends(ctx: RequestContext, entries: AuditInput[], now: string): StreamAppend[] {
    if (entries.length === 0) return [];
    const streamId = auditStream(ctx.tenantId, dayOf(now));
    const events = entries.map((entry) => auditEvent(entry, randomUUID(), now));
    return [{ streamId, events: this.stored(events, ctx, streamId), expectedRevision: 'any' }];
  }
}
