import type { DomainEvent } from '@plass/contracts';
import type { RecordedEvent } from './event-store.js';
import type { Evolver } from './stream-states.js';

export type { Decision } from '@plass/contracts';

/**
 * Folds a stream into state. Personal fields stay sealed on load: evolve functions read only
 * clear fields, so loading a stream never needs a key (and works after shredding).
 */
export const foldWith =
  <S>(initial: S, evolve: (state: S, event: DomainEvent) => S) =>
  (recorded: RecordedEvent[]): S =>
    recorded.reduce((state, event) => evolve(state, { type: event.type, data: event.data } as DomainEvent), initial);

/** The same fold as an `Evolver`, for `StreamStates`: states cached between commands. */
export const evolverOf = <S>(initial: S, evolve: (state: S, event: DomainEvent) => S): Evolver<S> => ({
  initial,
  evolve: (state, event) => evolve(state, { type: event.type, data: event.data } as DomainEvent),
});
