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

/** Shapes every adapter refuses before touching the store. */
export function validateAppends(appends: Array<{ streamId: string; events: Array<{ id: string }> }>): void {
  if (appends.length === 0) throw new RangeError('an append needs at least one stream');
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const { streamId, events } of appends) {
    if (events.length === 0) throw new RangeError('an append needs at least one event per stream');
    if (streams.has(streamId)) throw new RangeError(`stream ${streamId} is named twice in one append`);
    streams.add(streamId);
    for (const event of events) {
      if (ids.has(event.id)) throw new RangeError('an append was given the same event id twice');
      ids.add(event.id);
    }
  }
}
