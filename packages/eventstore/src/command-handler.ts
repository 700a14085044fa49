import { SpanKind, trace } from '@opentelemetry/api';
import { DomainFailure, domainError, type Decision } from '@plass/contracts';
import { WrongExpectedRevisionError } from './errors.js';
import type { EventStore, ExpectedRevision, MultiAppendResult, NewEvent, RecordedEvent, StreamAppend } from './event-store.js';
import type { StreamStates } from './stream-states.js';

const tracer = trace.getTracer('@plass/eventstore');

/**
 * Runs one append attempt in an `eventstore append` span. Answers false when a concurrent writer
 * moved a stream and the cycle may run again; throws `concurrency.conflict` once retries are spent.
 */
function tracedAppend(append: () => Promise<unknown>, events: number, attempt: number, retries: number): Promise<boolean> {
  return tracer.startActiveSpan('eventstore append', { kind: SpanKind.CLIENT, attributes: { 'plass.events': events } }, async (span) => {
    try {
      await append();
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
}

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
    const loaded = await loadStream(store, streamId, fold);
    const { events, result } = await decide(loaded.state);
    if (events.length === 0) return result;
    const append = () => store.appendToStream(streamId, events, { expectedRevision: loaded.expectedRevision });
    if (await tracedAppend(append, events.length, attempt, retries)) return result;
  }
}

export interface Loaded<S> {
  state: S;
  events: RecordedEvent[];
  /** What an append to this stream expects, so a concurrent writer fails it. */
  expectedRevision: ExpectedRevision;
}

export async function loadStream<S>(store: EventStore, streamId: string, fold: (events: RecordedEvent[]) => S): Promise<Loaded<S>> {
  const events = await store.readStream(streamId);
  const last = events[events.length - 1];
  return { state: fold(events), events, expectedRevision: last ? last.revision : 'no_stream' };
}

/**
 * The command cycle over several streams (ADR 0009): `cycle` reads every stream it decides on and
 * answers the appends, each with the revision it read; they are written in one atomic append.
 * When any stream moved meanwhile, the whole cycle runs again on fresh state. Streams without
 * events are left out (an append needs events). `appended` hears what the store answered once the
 * append succeeded (e.g. to move cached states on, `StreamStates.appended`).
 *
 * `optimistic`: the first cycle may decide on cached states without reading the store
 * (`LoadOptions.optimistic`). That is safe for what it appends, whose expected revisions fail on
 * a state another replica moved; a refusal (DomainFailure) is not answered before a cycle on
 * states read afresh refused it too.
 */
export async function handleMultiStreamCommand<R>(
  store: EventStore,
  cycle: (how: { optimistic: boolean }) => Promise<{ appends: StreamAppend[]; result: R; appended?: (written: MultiAppendResult) => void }>,
  { retries = 5, states, optimistic = false }: { retries?: number; states?: Pick<StreamStates, 'forget'>; optimistic?: boolean } = {},
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    let decided: Awaited<ReturnType<typeof cycle>>;
    try {
      decided = await cycle({ optimistic });
    } catch (error) {
      // A refusal decided on cached states may be the cache's: it is decided once more on fresh ones.
      if (!optimistic || !(error instanceof DomainFailure)) throw error;
      optimistic = false;
      continue;
    }
    const { appends, result, appended } = decided;
    const writes = appends.filter((append) => append.events.length > 0);
    if (writes.length === 0) return result;
    const events = writes.reduce((sum, write) => sum + write.events.length, 0);
    // A failed append means some stream moved under a cached state: read every one afresh next time.
    const forget = () => states?.forget(appends.map((append) => append.streamId));
    let written: MultiAppendResult | undefined;
    const done = await tracedAppend(async () => (written = await store.appendToStreams(writes)), events, attempt, retries).catch((error: unknown) => {
      forget();
      throw error;
    });
    if (done) {
      appended?.(written!);
      return result;
    }
    forget();
  }
}

/**
 * A use case over several streams as a declaration (ADR 0018): `load` the streams the decision
 * needs — through the cache, `fresh` when they must be read from the store (every cycle after
 * the first, or when the command is not optimistic) —, the pure `decide`, and `append`: the writes
 * as appends, each with the revision its stream was loaded at, sealing what is personal. A refusal
 * is a DomainFailure; an accepted decision with nothing to append answers without writing.
 * Retries, optimistic decisions and the cache follow `handleMultiStreamCommand`.
 */
export function decideOnStreams<I, W, R>(
  store: EventStore,
  command: {
    load: (how: { optimistic: boolean; fresh: boolean }) => Promise<I>;
    decide: (inputs: I) => Decision<W>;
    append: (writes: W, inputs: I) => Promise<{ appends: StreamAppend[]; result: R; appended?: (written: MultiAppendResult) => void }>;
  },
  options: { retries?: number; states?: Pick<StreamStates, 'forget'>; optimistic?: boolean } = {},
): Promise<R> {
  let cycles = 0;
  return handleMultiStreamCommand(
    store,
    async ({ optimistic }) => {
      const inputs = await command.load({ optimistic, fresh: !optimistic || cycles++ > 0 });
      const decision = command.decide(inputs);
      if (!decision.ok) throw new DomainFailure(decision.error);
      return command.append(decision.events, inputs);
    },
    options,
  );
}
