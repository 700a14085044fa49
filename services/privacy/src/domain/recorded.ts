import type { DomainEvent } from '@plass/contracts';

/**
 * A privacy event with the time it happened (its envelope's `occurredAt`). Deciders stamp the
 * command's `now` on what they decide (`Decision<Recorded[]>`); folds read it back, so views can
 * show when things happened without the events repeating the time in their data.
 */
export type Recorded = DomainEvent & { at: string };
