import type { ExpectedRevision } from './event-store.js';

export class WrongExpectedRevisionError extends Error {
  readonly code = 'eventstore.wrong_expected_revision';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId} is at revision ${actual}, expected ${expected}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** SQLite only: an event id already stored anywhere other than as an exact retry of the same append. */
export class DuplicateEventIdError extends Error {
  readonly code = 'eventstore.duplicate_event_id';

  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event ${eventId} is already stored; appending it to stream ${streamId} is not a retry of the same append`);
    this.name = 'DuplicateEventIdError';
  }
}
