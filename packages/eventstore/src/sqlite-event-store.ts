import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AppendOptions,
  AppendResult,
  EventPublisher,
  EventStore,
  ExpectedRevision,
  MultiAppendResult,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Relay,
  RelayOptions,
  StreamAppend,
} from './event-store.js';
import { DuplicateEventIdError, WrongExpectedRevisionError, validateAppends } from './errors.js';
import { SqliteOutboxRelay, type Outbox } from './sqlite-outbox-relay.js';
import { tuneConnection } from './connection-settings.js';
import { SAFETY_NET_PAGES, WalCheckpointer } from './wal-checkpointer.js';
import { assertDeletable, isPrivateStream } from './private-streams.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id   TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  event_id    TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream_id, revision)
) STRICT;
CREATE TABLE IF NOT EXISTS outbox (
  position INTEGER PRIMARY KEY REFERENCES events (position)
) STRICT;
`;

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

type StoredId = Pick<EventRow, 'event_id' | 'stream_id' | 'revision' | 'position'>;

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  streamId: row.stream_id,
  revision: row.revision,
  position: BigInt(row.position),
  data: JSON.parse(row.data),
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  recordedAt: new Date(row.recorded_at),
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

const satisfies = (expected: ExpectedRevision, actual: number | 'no_stream'): boolean =>
  expected === 'any' || (expected === 'no_stream' && actual === 'no_stream') || (expected === 'stream_exists' && actual !== 'no_stream') || expected === actual;

/** Appends committed together at most: a commit is synchronous, so it stops the event loop for its length. */
const MAX_GROUP = 64;
/**
 * A commit follows the last one by at least this long, so a steady trickle of appends is
 * committed a few at a time. At ~1,000 bookings a second, one at a time as they came, booking
 * committed ~600 groups a second of 1.6–2.2 appends each, every one writing its pages to the WAL.
 */
const GATHER_MS = 2;

interface QueuedAppend {
  appends: StreamAppend[];
  resolve: (result: MultiAppendResult) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: MultiAppendResult } | { ok: false; error: unknown };

/** Relays in this process, by database file, so an append wakes them without waiting for a poll. */
const appendListeners = new Map<string, Set<() => void>>();

/**
 * Embedded event store: one SQLite file (WAL), events plus an outbox written in the same transaction
 * (no outbox rows for private streams: they are never relayed).
 *
 * Appends take the write lock before reading the stream's revision (`BEGIN IMMEDIATE`), so expected
 * revisions hold across connections and processes sharing the file. An event id is stored once:
 * re-appending the same ids to the same stream at the same revisions with a matching expected
 * revision is an idempotent retry (returns the original result); any other reuse of a stored id is
 * rejected with `DuplicateEventIdError`. Run one relay per file.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly fileKey: string;
  private readonly relays = new Set<Relay>();
  private readonly statements;
  private readonly markPublishedTransaction;
  private readonly multiAppendTransaction;
  private readonly deleteTransaction;
  private readonly groupTransaction;
  private readonly checkpointer: WalCheckpointer;
  /** Appends waiting for the next group commit. */
  private queued: QueuedAppend[] = [];
  /** When the last group was committed (performance.now()). */
  private committedAt = Number.NEGATIVE_INFINITY;

  constructor(file: string) {
    this.fileKey = resolve(file);
    mkdirSync(dirname(this.fileKey), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('foreign_keys = ON');
    tuneConnection(this.db);
    this.db.exec(SCHEMA);
    this.db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    this.checkpointer = new WalCheckpointer(file);
    this.db.function('is_private_stream', { deterministic: true }, (streamId) => (isPrivateStream(String(streamId)) ? 1 : 0));
    this.statements = {
      lastRevision: this.db.prepare<[string], { revision: number | null }>('SELECT max(revision) AS revision FROM events WHERE stream_id = ?'),
      storedIds: this.db.prepare<[string], StoredId>('SELECT event_id, stream_id, revision, position FROM events WHERE event_id IN (SELECT value FROM json_each(?))'),
      insertEvent: this.db.prepare<[string, number, string, string, string, string, number]>(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertOutbox: this.db.prepare<[number | bigint]>('INSERT INTO outbox (position) VALUES (?)'),
      readStream: this.db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      readAll: this.db.prepare<[bigint, number], EventRow>('SELECT * FROM events WHERE position > ? AND NOT is_private_stream(stream_id) ORDER BY position LIMIT ?'),
      countAll: this.db.prepare<[], { count: number }>('SELECT count(*) AS count FROM events WHERE NOT is_private_stream(stream_id)'),
      pending: this.db.prepare<[number], EventRow>(
        // CROSS JOIN keeps the (short) outbox the outer loop: otherwise SQLite may walk every event.
        'SELECT events.* FROM outbox CROSS JOIN events ON events.position = outbox.position ORDER BY outbox.position LIMIT ?',
      ),
      lastPending: this.db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM outbox'),
      hasPendingUpTo: this.db.prepare<[bigint], { found: number }>('SELECT EXISTS (SELECT 1 FROM outbox WHERE position <= ?) AS found'),
      deleteOutbox: this.db.prepare<[bigint]>('DELETE FROM outbox WHERE position = ?'),
      // Outbox rows of a private stream exist only if written before streams were private.
      deleteStreamOutbox: this.db.prepare<[string]>('DELETE FROM outbox WHERE position IN (SELECT position FROM events WHERE stream_id = ?)'),
      deleteStream: this.db.prepare<[string]>('DELETE FROM events WHERE stream_id = ?'),
    };
    this.deleteTransaction = this.db.transaction((streamId: string) => {
      this.statements.deleteStreamOutbox.run(streamId);
      this.statements.deleteStream.run(streamId);
    });
    this.markPublishedTransaction = this.db.transaction((positions: bigint[]) => {
      for (const position of positions) this.statements.deleteOutbox.run(position);
    });
    this.multiAppendTransaction = this.db.transaction((appends: StreamAppend[]): MultiAppendResult => {
      const results = appends.map((append) => ({
        streamId: append.streamId,
        ...this.appendInTransaction(append.streamId, append.events, append.expectedRevision),
      }));
      return {
        position: results.reduce((max, result) => (result.position > max ? result.position : max), 0n),
        streams: results.map(({ streamId, nextExpectedRevision }) => ({ streamId, nextExpectedRevision })),
      };
    });
    // Each append in its own savepoint (a nested better-sqlite3 transaction): one that fails rolls
    // back alone, and the others commit together.
    this.groupTransaction = this.db.transaction((group: QueuedAppend[]) =>
      group.map((queued): Settled => {
        try {
          return { ok: true, value: this.multiAppendTransaction(queued.appends) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const { position, streams } = await this.appendToStreams([{ streamId, events, expectedRevision: options.expectedRevision ?? 'any' }]);
    return { nextExpectedRevision: streams[0]!.nextExpectedRevision, position };
  }

  /**
   * Group commit: appends made while the event loop is busy wait for its next turn and are
   * committed together, in the order they were made, one transaction for the group. A commit
   * costs the same for one event as for fifty (the WAL pages and the lock), so under load each
   * append pays a share of it; alone, an append waits one turn of the loop, or what is left of
   * `GATHER_MS` after the last commit. Each append keeps its own outcome: one whose expected
   * revision fails is rolled back alone (a savepoint), and an append sees every earlier one of its
   * group, so racing appends to one stream still conflict.
   */
  async appendToStreams(appends: StreamAppend[]): Promise<MultiAppendResult> {
    validateAppends(appends);
    return new Promise((resolve, reject) => {
      this.queued.push({ appends, resolve, reject });
      if (this.queued.length > 1) return;
      const wait = GATHER_MS - (performance.now() - this.committedAt);
      if (wait > 0) setTimeout(() => this.commitQueued(), wait);
      else setImmediate(() => this.commitQueued());
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.readStream.all(streamId, options.fromRevision ?? 0, options.maxCount ?? -1).map(toRecordedEvent);
  }

  /** How many events `readAll` would yield now (for a rebuild's progress). */
  async countAll(): Promise<number> {
    return this.statements.countAll.get()!.count;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.readAll.all(options.fromPosition ?? 0n, options.maxCount ?? -1).map(toRecordedEvent);
  }

  /**
   * Deletes the rows (`secure_delete` zeroes them in the pages), then checkpoints and truncates
   * the WAL so no copy of them lingers there. Throws if another connection's open read kept the
   * WAL from being truncated; the rows are gone then, and retrying finishes the job.
   */
  async deleteStream(streamId: string): Promise<void> {
    assertDeletable(streamId);
    // Appends made before the delete are committed before it, as they would be without grouping.
    while (this.queued.length > 0) this.commitQueued();
    this.deleteTransaction.immediate(streamId);
    const [checkpoint] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (checkpoint?.busy !== 0) {
      throw new Error(`stream ${streamId} was deleted but the WAL is still in use; retry deleteStream to truncate it`);
    }
  }

  relay(publisher: EventPublisher, options: RelayOptions = {}): Relay {
    const relay = new SqliteOutboxRelay(this.outbox, publisher, options);
    this.relays.add(relay);
    return relay;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await Promise.all([...this.relays].map((relay) => relay.stop()));
    await this.checkpointer.stop();
    while (this.queued.length > 0) this.commitQueued();
    this.db.close();
  }

  /** Commits the queued appends (at most `MAX_GROUP` a turn, so one commit stays short) and settles each. */
  private commitQueued(): void {
    const group = this.queued.splice(0, MAX_GROUP);
    if (this.queued.length > 0) setImmediate(() => this.commitQueued());
    if (group.length === 0 || !this.db.open) {
      for (const queued of group) queued.reject(new Error('the event store is closed'));
      return;
    }
    let settled: Settled[];
    try {
      // Alone in its group (the usual case below peak load), an append is the whole transaction: a
      // failure rolls all of it back, so the savepoint that keeps group members apart would only
      // journal every page it changes a second time.
      settled = group.length === 1 ? [this.appendAlone(group[0]!)] : this.groupTransaction.immediate(group);
      this.committedAt = performance.now();
    } catch (error) {
      // The commit itself failed (e.g. the lock was not granted in time): nothing of the group is stored.
      for (const queued of group) queued.reject(error);
      return;
    }
    group.forEach((queued, i) => {
      const outcome = settled[i]!;
      if (outcome.ok) queued.resolve(outcome.value);
      else queued.reject(outcome.error);
    });
    if (settled.some((outcome) => outcome.ok)) for (const listener of appendListeners.get(this.fileKey) ?? []) listener();
  }

  /** One queued append as its own transaction; its failure, whether of a revision or of the commit, is its own. */
  private appendAlone(queued: QueuedAppend): Settled {
    try {
      return { ok: true, value: this.multiAppendTransaction.immediate(queued.appends) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  private appendInTransaction(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    const relayed = !isPrivateStream(streamId);
    const last = this.statements.lastRevision.get(streamId)?.revision ?? null;
    const actual = last ?? 'no_stream';
    // A retried append is found only when something looks wrong, so a normal one costs no lookup:
    // a retry either fails the revision check (its events moved the stream on) or reuses event ids.
    if (!satisfies(expected, actual)) {
      const retried = this.findRetry(streamId, events, expected);
      if (retried) return retried;
      throw new WrongExpectedRevisionError(streamId, expected, actual);
    }

    let revision = last ?? -1;
    let position = 0n;
    const recordedAt = Date.now();
    try {
      for (const event of events) {
        revision += 1;
        const { lastInsertRowid } = this.statements.insertEvent.run(
          streamId,
          revision,
          event.id,
          event.type,
          JSON.stringify(event.data ?? null),
          JSON.stringify(event.metadata ?? {}),
          recordedAt,
        );
        if (relayed) this.statements.insertOutbox.run(lastInsertRowid);
        position = BigInt(lastInsertRowid);
      }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const retried = this.findRetry(streamId, events, expected);
      if (retried) return retried;
      throw error;
    }
    return { nextExpectedRevision: revision, position };
  }

  /** The original result if `events` were already appended exactly like this; throws if their ids are used otherwise. */
  private findRetry(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult | undefined {
    const stored = this.statements.storedIds.all(JSON.stringify(events.map((event) => event.id)));
    if (stored.length === 0) return undefined;
    const byId = new Map(stored.map((row) => [row.event_id, row]));
    const first = byId.get(events[0]!.id);
    const rows = events.map((event) => byId.get(event.id));
    const isRetry =
      first !== undefined &&
      rows.every((row, i) => row?.stream_id === streamId && row.revision === first.revision + i) &&
      satisfies(expected, first.revision === 0 ? 'no_stream' : first.revision - 1);
    if (!isRetry) throw new DuplicateEventIdError(streamId, stored[0]!.event_id);
    const lastRow = rows[rows.length - 1]!;
    return { nextExpectedRevision: lastRow.revision, position: BigInt(lastRow.position) };
  }

  private readonly outbox: Outbox = {
    pending: (limit) => this.statements.pending.all(limit).map(toRecordedEvent),
    lastPending: () => {
      const position = this.statements.lastPending.get()?.position;
      return position == null ? undefined : BigInt(position);
    },
    hasPendingUpTo: (position) => this.statements.hasPendingUpTo.get(position)?.found === 1,
    markPublished: (positions) => this.markPublishedTransaction(positions),
    onAppended: (listener) => {
      const listeners = appendListeners.get(this.fileKey) ?? new Set();
      appendListeners.set(this.fileKey, listeners.add(listener));
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && appendListeners.get(this.fileKey) === listeners) appendListeners.delete(this.fileKey);
      };
    },
  };
}

/** Opens (creating directories and tables as needed) the event store in `file`. */
export function openSqliteEventStore(options: { file: string }): SqliteEventStore {
  return new SqliteEventStore(options.file);
}
