import { createHash } from 'node:crypto';
import type { EncryptedValue, EventEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';

export const USERS = 'users';

/**
 * What the booking service knows of a tenant's users: the sealed name and their visibility choice.
 * Keyed by a hash of the user id, and the name's aad (identity's stream id) kept as a template, so
 * the booking data dir holds no user id in clear: only who already knows the id finds the entry.
 */
export interface UserDocument {
  id: string;
  tenantId: string;
  /** Identity's stream id with the user id replaced by `{userId}`. */
  streamTemplate: string;
  displayName?: EncryptedValue;
  bookingVisibility?: 'visible' | 'hidden';
  active: boolean;
}

export const userDocumentId = (tenantId: string, userId: string) => createHash('sha256').update(`${tenantId}/${userId}`).digest('hex');
export const nameAad = (user: UserDocument, userId: string) => user.streamTemplate.replace('{userId}', userId);

const data = (event: EventEnvelope) => event.data as Record<string, unknown>;

function update(event: EventEnvelope, tx: ProjectionTx, change: (doc: UserDocument) => UserDocument): void {
  const userId = data(event).userId as string;
  const id = userDocumentId(event.tenantId, userId);
  const doc = tx.get<UserDocument>(USERS, id) ?? { id, tenantId: event.tenantId, streamTemplate: event.streamId.replace(userId, '{userId}'), active: true };
  tx.put(USERS, id, change(doc));
}

/** Fed by identity's events (a second durable consumer); identity owns them, so it is not rebuilt from the booking store. */
export const usersDirectory: ProjectionDefinition = {
  name: 'booking_users',
  collections: [USERS],
  handlers: {
    UserRegistered: (event, tx) =>
      update(event, tx, (doc) => ({ ...doc, displayName: data(event).displayName as EncryptedValue, active: true })),
    UserProfileChanged: (event, tx) =>
      update(event, tx, (doc) => {
        const { displayName, bookingVisibility } = data(event) as { displayName?: EncryptedValue; bookingVisibility?: 'visible' | 'hidden' };
        return {
          ...doc,
          ...(displayName === undefined ? {} : { displayName }),
          ...(bookingVisibility === undefined ? {} : { bookingVisibility }),
        };
      }),
    UserDeactivated: (event, tx) => update(event, tx, (doc) => ({ ...doc, active: false })),
  },
};
