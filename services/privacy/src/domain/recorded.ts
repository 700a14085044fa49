import type { DomainError, DomainEvent } from '@plass/contracts';

/**
 * A privacy event with the time it happened (its envelope's `occurredAt`). Deciders stamp the
 * command's `now` on what they decide; folds read it back, so views can show when things happened
 * without the events repeating the time in their data.
 */
export type Recorded = DomainEvent & { at: string };

export type Decided = { ok: true; events: Recorded[] } | { ok: false; error: DomainError };

export const accept = (...events: Recorded[]): Decided => ({ ok: true, events });
export const reject = (error: DomainError): Decided => ({ ok: false, error });
