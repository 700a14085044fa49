import {
  BACKWARDS,
  END,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AppendStreamState,
  type JSONType,
} from '@kurrent/kurrentdb-client';
import type {
  AppendOptions,
  AppendResult,
  EventPublisher,
  EventStore,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Relay,
  RelayOptions,
  StreamAppend,
} from './event-store.js';
import { WrongExpectedRevisionError, validateAppends } from './errors.js';
import { NO_POSITION, encodeMetadata, toRecordedEvent } from './kurrentdb-mapping.js';
import { KurrentDbSubscriptionRelay } from './kurrentdb-relay.js';
import { assertDeletable, isPrivateStream } from './private-streams.js';

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://localhost:2113?tls=false` */
  connectionString: string;
  /** Where the relay keeps its $all checkpoint (JSON, replaced atomically); required to relay. */
  checkpointFile?: string;
}

/**
 * The port over a KurrentDB/EventStoreDB node or cluster. Positions are $all commit positions.
 * Appending already-stored event ids is idempotent as far as the server makes it so: always for
 * an exact retry with a revision or `no_stream` expectation, best effort with `any`.
 */
export class KurrentDbEventStore implements EventStore {
  readonly client: KurrentDBClient;
  private readonly relays = new Set<Relay>();
  private closed = false;

  constructor(private readonly options: KurrentDbEventStoreOptions) {
    this.client = KurrentDBClient.connectionString(options.connectionString);
  }

  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const expected = options.expectedRevision ?? 'any';
    const streamState: AppendStreamState = typeof expected === 'number' ? BigInt(expected) : expected;
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: encodeMetadata(event.metadata) })),
        { streamState },
      );
      // Only with `throwOnAppendFailure=false` in the connection string, whose reported revision is unreliable.
      if (!result.success) throw new WrongExpectedRevisionError(streamId, expected, await this.lastRevision(streamId));
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position: result.position?.commit ?? NO_POSITION };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualState === 'bigint' ? Number(error.actualState) : 'no_stream';
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  async appendToStreams(appends: StreamAppend[]): Promise<MultiAppendResult> {
    validateAppends(appends);
    try {
      const result = await this.client.multiStreamAppend(
        appends.map((append) => ({
          streamName: append.streamId,
          expectedState: typeof append.expectedRevision === 'number' ? BigInt(append.expectedRevision) : append.expectedRevision,
          events: append.events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: encodeMetadata(event.metadata) })),
        })),
      );
      return {
        position: result.position,
        streams: result.responses.map((response) => ({ streamId: response.streamName, nextExpectedRevision: Number(response.revision) })),
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const moved = appends.find((append) => append.streamId === error.streamName) ?? appends[0]!;
        const actual = typeof error.actualState === 'bigint' ? Number(error.actualState) : 'no_stream';
        throw new WrongExpectedRevisionError(moved.streamId, moved.expectedRevision, actual);
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const events: RecordedEvent[] = [];
    try {
      const reading = this.client.readStream(streamId, {
        fromRevision: options.fromRevision === undefined ? START : BigInt(options.fromRevision),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const { event } of reading) if (event) events.push(toRecordedEvent(event));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { fromPosition, maxCount } = options;
    if (maxCount === 0) return [];
    const events: RecordedEvent[] = [];
    // The server reads from a position inclusively; the port reads after it. Private streams are
    // skipped here, so the server cannot bound the read by maxCount: leaving the loop ends it.
    const reading = this.client.readAll({
      fromPosition: fromPosition === undefined ? START : { commit: fromPosition, prepare: fromPosition },
      filter: excludeSystemEvents(),
    });
    for await (const { event } of reading) {
      if (!event || (fromPosition !== undefined && event.position.commit <= fromPosition)) continue;
      if (isPrivateStream(event.streamId)) continue;
      events.push(toRecordedEvent(event));
      if (events.length === maxCount) break;
    }
    return events;
  }

  /**
   * A soft delete: reads answer "not found" at once, but the events stay on disk (and in the
   * server's own $all reads) until a scavenge removes them; see README for the operators' part.
   */
  async deleteStream(streamId: string): Promise<void> {
    assertDeletable(streamId);
    try {
      await this.client.deleteStream(streamId);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
  }

  private async lastRevision(streamId: string): Promise<number | 'no_stream'> {
    try {
      const newestFirst = this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      for await (const { event } of newestFirst) if (event) return Number(event.revision);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return 'no_stream';
  }

  relay(publisher: EventPublisher, options: RelayOptions = {}): Relay {
    const { checkpointFile } = this.options;
    if (!checkpointFile) throw new Error('openKurrentDbEventStore needs a checkpointFile to relay');
    const relay = new KurrentDbSubscriptionRelay(this.client, checkpointFile, publisher, options);
    this.relays.add(relay);
    return relay;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.relays].map((relay) => relay.stop()));
    await this.client.dispose();
  }
}

export function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): KurrentDbEventStore {
  return new KurrentDbEventStore(options);
}
