import type { Position, RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from './event-store.js';

/** Positions are KurrentDB commit positions; `-1n` where the server did not report one. */
export const NO_POSITION = -1n;

export const toRecordedEvent = (event: KurrentRecordedEvent): RecordedEvent => ({
  id: event.id,
  type: event.type,
  streamId: event.streamId,
  revision: Number(event.revision),
  position: event.position?.commit ?? NO_POSITION,
  data: event.data,
  metadata: decodeMetadata(event.metadata),
  recordedAt: event.created,
});

export const comparePositions = (a: Position, b: Position): number => (a.commit === b.commit ? Number(a.prepare - b.prepare) : Number(a.commit - b.commit));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/**
 * KurrentDB's multi-stream append takes only string-valued metadata, so metadata is stored as one
 * JSON string under `plass` — the same way for single- and multi-stream appends.
 */
export const encodeMetadata = (metadata: Record<string, unknown> | undefined): Record<string, string> => ({
  plass: JSON.stringify(metadata ?? {}),
});

function decodeMetadata(metadata: unknown): Record<string, unknown> {
  if (!isRecord(metadata)) return {};
  return typeof metadata.plass === 'string' ? (JSON.parse(metadata.plass) as Record<string, unknown>) : metadata;
}
