import type { DomainError, DomainEvent } from '@plass/contracts';

export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; error: DomainError };

export const accept = (...events: DomainEvent[]): Decision => ({ ok: true, events });
export const reject = (error: DomainError): Decision => ({ ok: false, error });
