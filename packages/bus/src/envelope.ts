import type { Context, EventEnvelope, RequestContext } from '@plass/contracts';
import { eventCatalog, newId, type DomainEvent } from '@plass/contracts';
import { currentTraceContext } from './headers.js';

/**
 * Wraps a decided event for the stores: ids, tenant, time, correlation and the active trace, so the
 * event's consumers continue the trace of the request that caused it.
 */
export function envelopeFor(
  event: { type: DomainEvent['type']; data: Record<string, unknown> },
  meta: { ctx: RequestContext; context: Context; streamId: string; now: Date; causationId?: string | null },
): EventEnvelope {
  const trace = currentTraceContext();
  return {
    id: newId(),
    type: event.type,
    schemaVersion: eventCatalog[event.type].schemaVersion,
    tenantId: meta.ctx.tenantId,
    context: meta.context,
    streamId: meta.streamId,
    occurredAt: meta.now.toISOString(),
    correlationId: meta.ctx.correlationId,
    causationId: meta.causationId ?? null,
    ...(trace ? { trace } : {}),
    data: event.data,
  };
}
