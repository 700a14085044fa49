/** `number` is the revision of the stream's last event (0-based). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** `id` must be a UUID (KurrentDB requires it); it makes a retried append idempotent. */
export interface NewEvent {
  id: string;
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  /** Global commit order across all streams of one store. */
  position: bigint;
  data: unknown;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last appended event: pass it as `expectedRevision` next time. */
  nextExpectedRevision: number;
  /** Position of the last appended event. */
  position: bigint;
}

export interface AppendOptions {
  /** @defaultValue 'any' */
  expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: reading starts after the event at this position. */
  fromPosition?: bigint;
  maxCount?: number;
}

/** Must be idempotent by event id: the relay delivers at least once. */
export interface EventPublisher {
  publish(event: RecordedEvent): Promise<void>;
}

export interface Relay {
  start(): Promise<void>;
  /** Finishes the publish in flight, then stops; pending `idle()` calls reject. */
  stop(): Promise<void>;
  /** Resolves when everything committed so far is published; rejects if the relay is not running. */
  idle(): Promise<void>;
}

export interface RetryOptions {
  /** @defaultValue 100 */
  initialDelayMs?: number;
  /** @defaultValue 30_000 */
  maxDelayMs?: number;
}

export interface RelayOptions {
  /** Failed publishes are retried forever with exponential backoff bounded by `maxDelayMs`. */
  retry?: RetryOptions;
  /**
   * Called on every failed attempt, e.g. to log it with the event's id and type (never its data);
   * `event` is absent when reading the store failed. The relay keeps retrying either way.
   */
  onError?: (error: unknown, event?: RecordedEvent) => void;
  /** SQLite only: how often to look for events appended by other processes. @defaultValue 500 */
  pollIntervalMs?: number;
  /**
   * SQLite only: the least time between two batches of a relay that went idle in between. Woken
   * sooner after its last batch, the relay gathers appends for the rest of this time, so a steady
   * load goes out in batches (one read, one round of publishes, one delete, one projection commit)
   * rather than event by event; woken after a quiet spell, or with a backlog, it reads at once,
   * and `idle()` cuts a gathering short. It delays what consumers see by at most this.
   * @defaultValue 20
   */
  gatherMs?: number;
}

export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
}

export interface MultiAppendResult {
  /** Position of the last appended event. */
  position: bigint;
  /** Revision of each stream's last event, in request order. */
  streams: Array<{ streamId: string; nextExpectedRevision: number }>;
}

export interface EventStore {
  appendToStream(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams atomically: every expected revision holds and all events are
   * written, or nothing is (WrongExpectedRevisionError names the first stream that moved).
   * This is how one decision spans several consistency boundaries (a space's schedule, a
   * person's limits, a location's capacity).
   */
  appendToStreams(appends: StreamAppend[]): Promise<MultiAppendResult>;
  /** `[]` when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Every public stream in global order, without system events; for rebuilds. Private streams
   * (`isPrivateStream`) are left out: projections must never see them.
   */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** How many events `readAll` yields, where the store can tell cheaply (SQLite); for progress reports. */
  countAll?(): Promise<number>;
  /**
   * Publishes every committed event of a public stream, in commit order, at least once, to
   * `publisher` — never a dual write. Events of private streams are never published.
   */
  relay(publisher: EventPublisher, options?: RelayOptions): Relay;
  /**
   * Deletes a private stream for erasure (a RangeError for any other stream: public streams are
   * append-only). Resolves when the stream is gone, also if it never existed. Deletion resets the
   * stream: it reads as `[]` and takes an append with `'no_stream'` again (KurrentDB continues the
   * old revision numbers; use the returned `nextExpectedRevision`). How soon the bytes are gone
   * depends on the adapter (see README).
   */
  deleteStream(streamId: string): Promise<void>;
  /** Stops this store's relays, then closes the connection. */
  close(): Promise<void>;
}
