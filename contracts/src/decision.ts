import { DomainFailure, type DomainError } from './errors.js';
import type { DomainEvent } from './events/index.js';

/**
 * What a pure `decide` answers: what to append, or the rule it broke. `E` is what an accepted
 * decision appends: a list of events by default, or a richer shape such as privacy's events
 * stamped with their time, or booking's events per stream.
 */
export type Decision<E = DomainEvent[]> = { ok: true; events: E } | { ok: false; error: DomainError };

/**
 * Accepts with these events. The event type comes from where the decision goes (the decider's
 * declared return type), never from the arguments, so each event is checked against it.
 */
export const accept = <Event extends DomainEvent = DomainEvent>(...events: NoInfer<Event>[]): Decision<Event[]> => ({ ok: true, events });

/** Refuses: a refusal fits every `Decision`, whatever it would have appended. */
export const reject = (error: DomainError): Decision<never> => ({ ok: false, error });

/** What an accepted decision appends; a refusal is thrown as a `DomainFailure`, which the bus answers with its code. */
export function decided<E>(decision: Decision<E>): E {
  if (!decision.ok) throw new DomainFailure(decision.error);
  return decision.events;
}
