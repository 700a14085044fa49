import { SpanKind, trace } from '@opentelemetry/api';
import { DomainFailure, domainError } from '@plass/contracts';
import { WrongExpectedRevisionError } from './errors.js';
import type { EventStore, NewEvent, RecordedEvent } from './event-store.js';

const tracer = trace.getTracer('@plass/eventstore');

/**
 * The event-sourced command cycle: read the stream, fold it into state, decide, append with the
 * revision that was read. A concurrent writer makes the append fail; the whole cycle is then
 * retried on fresh state, up to `retries` times, before the conflict is surfaced as
 * `concurrency.conflict` (409: the client may retry).
 */
export async function handleCommand<S, R>(
  store: EventStore,
  streamId: string,
  fold: (events: RecordedEvent[]) => S,
  decide: (state: S) => Promise<{ events: NewEvent[]; result: R }> | { events: NewEvent[]; result: R },
  { retries = 3 }: { retries?: number } = {},
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const recorded = await store.readStream(streamId);
    const { events, result } = await decide(fold(recorded));
    if (events.length === 0) return result;
    const last = recorded[recorded.length - 1];
    const appended = await tracer.startActiveSpan('eventstore append', { kind: SpanKind.CLIENT, attributes: { 'plass.events': events.length } }, async (span) => {
      try {
        await store.appendToStream(streamId, events, { expectedRevision: last ? last.revision : 'no_stream' });
        return true;
      } catch (error) {
        span.setAttribute('plass.conflict', error instanceof WrongExpectedRevisionError);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= retries) throw new DomainFailure(domainError('concurrency.conflict', 'the resource changed concurrently; retry'));
        return false;
      } finally {
        span.end();
      }
    });
    if (appended) return result;
  }
}
