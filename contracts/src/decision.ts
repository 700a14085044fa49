import type { DomainError } from './errors.js';
import type { DomainEvent } from './events/index.js';

/** What a pure `decide` answers: the events to append, or the rule it broke. */
export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; error: DomainError };

export const accept = (...events: DomainEvent[]): Decision => ({ ok: true, events });
export const reject = (error: DomainError): Decision => ({ ok: false, error });
