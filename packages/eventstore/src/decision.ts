import type { DomainError, DomainEvent } from '@plass/contracts';
import type { RecordedEvent } from './event-store.js';

/** What a pure `decide` answers: the events to append, or the rule it broke. */
export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; error: DomainError };

/**
 * Folds a stream into state. Personal fields stay sealed on load: evolve functions read only
 * clear fields, so loading a stream never needs a key (and works after shredding).
 */
export const foldWith =
  <S>(initial: S, evolve: (state: S, event: DomainEvent) => S) =>
  (recorded: RecordedEvent[]): S =>
    recorded.reduce((state, event) => evolve(state, { type: event.type, data: event.data } as DomainEvent), initial);
