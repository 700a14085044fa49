export type {
  AppendOptions,
  AppendResult,
  EventPublisher,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Relay,
  RelayOptions,
  RetryOptions,
} from './event-store.js';
export { EXPIRING_STREAM_PREFIXES, PRIVATE_STREAM_PREFIXES, isPrivateStream } from './private-streams.js';
export { DuplicateEventIdError, WrongExpectedRevisionError } from './errors.js';
export { SqliteEventStore, openSqliteEventStore } from './sqlite-event-store.js';
export type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';
export { openKurrentDbEventStore } from './lazy-adapters.js';
export { toEnvelope, storedEnvelope, toNewEvent, allEnvelopes } from './envelope-mapping.js';
export { decideOnStreams, handleCommand, handleMultiStreamCommand, loadStream, type Loaded } from './command-handler.js';
export { evolverOf, foldWith, type Decision } from './decision.js';
export type { StreamAppend, MultiAppendResult } from './event-store.js';
export { StreamStates, type Evolver, type LoadedState, type LoadOptions, type StreamStatesBounds } from './stream-states.js';
export { WalCheckpointer, SAFETY_NET_PAGES } from './wal-checkpointer.js';
export { PAGE_CACHE_KIB, tuneConnection } from './connection-settings.js';
