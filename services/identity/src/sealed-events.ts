import { eventCatalog, type DomainEvent, type EventEnvelope, type RequestContext } from '@plass/contracts';
import { envelopeFor } from '@plass/bus';
import type { Shredder } from '@plass/shredder';
import { CONTEXT } from './events.js';

/**
 * Envelopes ready to append, personal fields sealed with the subject's profile key and bound to the
 * stream: the event store and JetStream only ever see ciphertext.
 */
export async function sealEvents(
  shredder: Shredder,
  events: DomainEvent[],
  meta: { ctx: RequestContext; streamId: string; subjectId: string; now: Date },
): Promise<EventEnvelope[]> {
  const { ctx, streamId, subjectId, now } = meta;
  return Promise.all(
    events.map(async (event) => {
      const data = await shredder.encrypt(eventCatalog[event.type].data, event.data, { tenantId: ctx.tenantId, subjectId, aad: streamId });
      return envelopeFor({ type: event.type, data }, { ctx, context: CONTEXT, streamId, now });
    }),
  );
}
