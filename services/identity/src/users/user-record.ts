import { UserRegistered, isRedacted } from '@plass/contracts';
import { foldWith, toEnvelope, type EventStore, type RecordedEvent } from '@plass/eventstore';
import type { Shredder } from '@plass/shredder';
import type { EmailBlindIndex } from '../credentials/email-index.js';
import type { HoldsAddress } from '../credentials/email-index-store.js';
import { foldUserDocument, type UserDocument } from './read-model.js';
import { evolveUser, initialUser, userStream, type User } from './user.js';

export const foldUser = foldWith(initialUser, evolveUser);

const Address = UserRegistered.data.pick({ email: true });

/** A user's stream read twice over: clear state for the deciders, the sealed document for the answer. */
export interface UserRecord {
  user: User;
  doc: UserDocument | undefined;
}

export const foldUserRecord = (recorded: RecordedEvent[]): UserRecord => ({
  user: foldUser(recorded),
  doc: foldUserDocument(undefined, recorded.map(toEnvelope)),
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

/** Whether the user's current address (registered or corrected, still readable) has this blind index. */
export const holdsAddressIn =
  (events: EventStore, shredder: Shredder, blindIndex: EmailBlindIndex): HoldsAddress =>
  async (tenantId, userId, index) => {
    const streamId = userStream(tenantId, userId);
    const { doc } = foldUserRecord(await events.readStream(streamId));
    if (!doc) return false;
    const { data } = await shredder.decrypt(Address, { email: doc.email }, { tenantId, aad: streamId });
    return !isRedacted(data.email) && blindIndex(tenantId, data.email) === index;
  };
