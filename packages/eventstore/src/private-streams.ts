/**
 * Streams that never leave the store: not relayed, not in `readAll`, deletable. They hold data
 * no other service or projection may see (ADR 0009: a person's booking ledger, named by a
 * pseudonym, deleted on erasure) or that only their writer decides on (ADR 0018: a space's slots
 * per day, which repeat what the published booking events say).
 */
export const PRIVATE_STREAM_PREFIXES: readonly string[] = Object.freeze([
  'ledger-',
  'schedule-',
  // Recurring bookings: a series' occurrences (ids and times, no person), deleted with its booker's ledger on erasure.
  'series-',
]);

/**
 * Public streams whose records end with a retention period (ADR 0011): the privacy service's
 * audit-log days and its finished requests. Relayed and read like any other; their owner deletes
 * them whole once their time is up, and rebuilt projections then no longer hold them either.
 */
export const EXPIRING_STREAM_PREFIXES: readonly string[] = Object.freeze(['audit-', 'erasure-', 'export-']);

export const isPrivateStream = (streamId: string): boolean => PRIVATE_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));

const isExpiringStream = (streamId: string): boolean => EXPIRING_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));

/** The log of public streams is append-only: only private and expiring streams may be deleted. */
export function assertDeletable(streamId: string): void {
  if (!isPrivateStream(streamId) && !isExpiringStream(streamId)) {
    throw new RangeError(
      `only private (${PRIVATE_STREAM_PREFIXES.join(', ')}…) and expiring (${EXPIRING_STREAM_PREFIXES.join(', ')}…) streams can be deleted; ${streamId} is append-only`,
    );
  }
}
