import type { DomainEvent, RequestContext } from '@plass/contracts';
import { handleCommand, toNewEvent, type EventStore } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import { sealEvents } from '../sealed-events.js';
import { foldUserDocument, type UserDocument } from './read-model.js';
import { foldUserRecord } from './user-record.js';
import { userStream, type User } from './user.js';

export interface UserCommandDeps {
  events: EventStore;
  shredder: Shredder;
  now: () => Date;
}

export interface UserCommandOutcome {
  /** The user as now stored (personal fields sealed); undefined for a user the tenant does not hold. */
  doc: UserDocument | undefined;
  changed: boolean;
}

/**
 * One command on one user's stream: `decide` on the clear state (it may run again when a concurrent
 * writer moved the stream), the events sealed with the user's profile key, appended at the revision read.
 * Another tenant's user id names a stream that does not exist here.
 */
export function runUserCommandCycle(
  deps: UserCommandDeps,
  ctx: RequestContext,
  userId: string,
  decide: (user: User) => DomainEvent[] | Promise<DomainEvent[]>,
): Promise<UserCommandOutcome> {
  const streamId = userStream(ctx.tenantId, userId);
  return handleCommand(deps.events, streamId, foldUserRecord, async (record) => {
    const events = await decide(record.user);
    const envelopes = await sealEvents(deps.shredder, events, { ctx, streamId, subjectId: userId, now: deps.now() });
    const doc = foldUserDocument(record.doc, envelopes);
    return { events: envelopes.map(toNewEvent), result: { doc, changed: envelopes.length > 0 } };
  });
}
