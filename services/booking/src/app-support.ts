import { DomainFailure, domainError, type DomainEvent, type RequestContext } from '@plass/contracts';
import { envelopeFor } from '@plass/bus';
import { toNewEvent, type NewEvent } from '@plass/eventstore';
import type { Actor } from './rules/index.js';

export { decided } from '@plass/contracts';

export function toStored(events: readonly { type: DomainEvent['type']; data: Record<string, unknown> }[], ctx: RequestContext, streamId: string, now: Date): NewEvent[] {
  return events.map((event) => toNewEvent(envelopeFor(event, { ctx, context: 'booking', streamId, now })));
}

export function actorOf(ctx: RequestContext): Actor {
  if (!ctx.actorId) throw new DomainFailure(domainError('auth.unauthenticated', 'this needs an authenticated user'));
  return { userId: ctx.actorId, roles: ctx.roles };
}

/** Defense in depth: the gateway checks roles too, the service does not trust that it did. */
export function requireAdmin(ctx: RequestContext): void {
  if (!ctx.roles.includes('admin')) throw new DomainFailure(domainError('auth.forbidden', 'only admins may do this'));
}

/** Keyset paging over documents in id order (the store answers them sorted). */
export function page<T extends { id: string }>(docs: T[], query: { cursor?: string | undefined; limit: number }): { items: T[]; nextCursor: string | null } {
  const after = query.cursor === undefined ? docs : docs.filter((doc) => doc.id > query.cursor!);
  const items = after.slice(0, query.limit);
  return { items, nextCursor: after.length > query.limit ? items[items.length - 1]!.id : null };
}

export function windowOf(query: { from: string; to: string }): { from: number; to: number } {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (!(to > from)) throw new DomainFailure(domainError('validation.failed', 'to must be after from', { errors: [{ path: 'to', message: 'must be after from' }] }));
  if (to - from > 62 * 86_400_000)
    throw new DomainFailure(domainError('validation.failed', 'to at most 62 days after from', { errors: [{ path: 'to', message: 'at most 62 days' }] }));
  return { from, to };
}
