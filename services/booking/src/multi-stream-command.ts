import { DomainFailure, domainError } from '@plass/contracts';
import { WrongExpectedRevisionError, type EventStore, type ExpectedRevision, type RecordedEvent, type StreamAppend } from '@plass/eventstore';

export interface Loaded<S> {
  state: S;
  events: RecordedEvent[];
  /** What an append to this stream expects, so a concurrent writer fails it. */
  expectedRevision: ExpectedRevision;
}

export async function load<S>(store: EventStore, streamId: string, fold: (events: RecordedEvent[]) => S): Promise<Loaded<S>> {
  const events = await store.readStream(streamId);
  const last = events[events.length - 1];
  return { state: fold(events), events, expectedRevision: last ? last.revision : 'no_stream' };
}

/**
 * The command cycle over several streams: `cycle` reads every stream it decides on and answers
 * the appends (each with the revision it read); they are written in one atomic append. When any
 * stream moved meanwhile, the whole cycle runs again on fresh state, up to `retries` times, then
 * answers `concurrency.conflict`. Streams without events are left out (an append needs events).
 */
export async function handleMultiStreamCommand<R>(
  store: EventStore,
  cycle: () => Promise<{ appends: StreamAppend[]; result: R }>,
  { retries = 5 }: { retries?: number } = {},
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const { appends, result } = await cycle();
    const writes = appends.filter((append) => append.events.length > 0);
    if (writes.length === 0) return result;
    try {
      await store.appendToStreams(writes);
      return result;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (attempt >= retries) throw new DomainFailure(domainError('concurrency.conflict', 'the resource changed concurrently; retry'));
    }
  }
}
