import { EventEnvelope } from '@plass/contracts';
import type { NewEvent, RecordedEvent } from './event-store.js';

/** How an envelope is kept in a store: `data` as the event data, the rest as metadata. */
export function toNewEvent(envelope: EventEnvelope): NewEvent {
  const { id, type, data, streamId: _stream, ...metadata } = envelope;
  return { id, type, data, metadata };
}

/** The envelope of a stored event, validated: a store never hands out an event the contracts reject. */
export function toEnvelope(recorded: RecordedEvent): EventEnvelope {
  return EventEnvelope.parse({
    ...recorded.metadata,
    id: recorded.id,
    type: recorded.type,
    streamId: recorded.streamId,
    data: recorded.data,
  });
}

/**
 * The envelope of an event as stored, unchecked: for a relay, which must never stall on an event
 * (one it rejected would stop every later one). What it relays was written by its own service
 * from typed events, and every consumer checks an envelope against the contract on receipt.
 */
export function storedEnvelope(recorded: RecordedEvent): EventEnvelope {
  return { ...recorded.metadata, id: recorded.id, type: recorded.type, streamId: recorded.streamId, data: recorded.data as Record<string, unknown> } as EventEnvelope;
}

/** Every event of a store in commit order, as envelopes (for projection rebuilds). */
export async function* allEnvelopes(store: { readAll(o: { fromPosition?: bigint; maxCount?: number }): Promise<RecordedEvent[]> }, pageSize = 500): AsyncGenerator<EventEnvelope> {
  let fromPosition: bigint | undefined;
  for (;;) {
    const page = await store.readAll(fromPosition === undefined ? { maxCount: pageSize } : { fromPosition, maxCount: pageSize });
    for (const recorded of page) yield toEnvelope(recorded);
    if (page.length < pageSize) return;
    fromPosition = page[page.length - 1]!.position;
  }
}
