import { createHash, randomUUID } from 'node:crypto';
import type { EncryptedValue, EventEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionStore, ProjectionTx } from '@plass/projections';

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

function update(event: EventEnvelope, tx: ProjectionTx, change: (doc: UserDocument) => UserDocument, { create = true } = {}): void {
  const userId = data(event).userId as string;
  const id = userDocumentId(event.tenantId, userId);
  const found = tx.get<UserDocument>(USERS, id);
  if (!found && !create) return;
  const doc = found ?? { id, tenantId: event.tenantId, streamTemplate: event.streamId.replace(userId, '{userId}'), active: true };
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
    // Erasure deactivates, then forgets: a late deactivation must not bring the entry back.
    UserDeactivated: (event, tx) => update(event, tx, (doc) => ({ ...doc, active: false }), { create: false }),
  },
};

/** Erasure: drops the person's entry (a fresh id each time, so a retry deletes again). */
export async function forgetUser(store: ProjectionStore, tenantId: string, userId: string): Promise<void> {
  await store.apply(usersDirectory.name, randomUUID(), (tx) => tx.delete(USERS, userDocumentId(tenantId, userId)));
}
