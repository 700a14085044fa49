import { foldWith, toEnvelope, type EventStore, type RecordedEvent } from '@plass/eventstore';
import { applyUserEvent, type UserDocument } from './read-model.js';
import { evolveUser, initialUser, userStream, type User } from './user.js';

export const foldUser = foldWith(initialUser, evolveUser);

/** A user's stream read twice over: clear state for the deciders, the sealed document for the answer. */
export interface UserRecord {
  user: User;
  doc: UserDocument | undefined;
}

export const foldUserRecord = (recorded: RecordedEvent[]): UserRecord => ({
  user: foldUser(recorded),
  doc: recorded.map(toEnvelope).reduce<UserDocument | undefined>(applyUserEvent, undefined),
});

/** The stored (sealed) password hash the user's latest event set, if any. */
export function sealedPasswordHash(recorded: RecordedEvent[]): unknown {
  let sealed: unknown;
  for (const event of recorded) {
    const data = event.data as { passwordHash?: unknown };
    if ((event.type === 'UserRegistered' || event.type === 'UserPasswordChanged') && data.passwordHash !== undefined) sealed = data.passwordHash;
  }
  return sealed;
}

/** Whether the user's registration reached the event store (resolves reservations a crash left behind). */
export const isRegisteredIn =
  (events: EventStore) =>
  async (tenantId: string, userId: string): Promise<boolean> =>
    (await events.readStream(userStream(tenantId, userId), { maxCount: 1 })).length > 0;
