import type { DomainEvent } from '@plass/contracts';
import type { RecordedEvent } from './event-store.js';

export type { Decision } from '@plass/contracts';

/**
 * Folds a stream into state. Personal fields stay sealed on load: evolve functions read only
 * clear fields, so loading a stream never needs a key (and works after shredding).
 */
export const foldWith =
  <S>(initial: S, evolve: (state: S, event: DomainEvent) => S) =>
  (recorded: RecordedEvent[]): S =>
    recorded.reduce((state, event) => evolve(state, { type: event.type, data: event.data } as DomainEvent), initial);
