/**
 * Streams that never leave the store: not relayed, not in `readAll`, deletable. They hold data
 * no other service or projection may see (ADR 0009: a person's booking ledger, named by a
 * pseudonym, deleted on erasure).
 */
export const PRIVATE_STREAM_PREFIXES: readonly string[] = Object.freeze(['ledger-']);

export const isPrivateStream = (streamId: string): boolean =>
  PRIVATE_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));

/** The log of public streams is append-only: only private streams may be deleted. */
export function assertDeletable(streamId: string): void {
  if (!isPrivateStream(streamId)) {
    throw new RangeError(`only private streams (${PRIVATE_STREAM_PREFIXES.join(', ')}…) can be deleted; ${streamId} is append-only`);
  }
}
