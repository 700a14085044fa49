import { createHash, randomUUID } from 'node:crypto';
import type { EncryptedValue, TypedEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionStore, ProjectionTx } from '@plass/projections';

export const USERS = 'users';
/**
 * People being erased or forgotten, keyed like USERS and holding nothing else: booking refuses them
 * at once (identity's deactivation may still be on its way), and late identity or privacy events
 * for them are dropped. Not a collection of the projection: a rebuild must not lift the fence.
 */
export const ERASED_USERS = 'erased_users';

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

export interface ErasedUserDocument {
  id: string;
  tenantId: string;
}

export const userDocumentId = (tenantId: string, userId: string) => createHash('sha256').update(`${tenantId}/${userId}`).digest('hex');
/** For projection handlers: the person is being erased or was forgotten, so their events are dropped. */
export const isErased = (tx: ProjectionTx, tenantId: string, userId: string) => tx.get<ErasedUserDocument>(ERASED_USERS, userDocumentId(tenantId, userId)) !== undefined;
export const nameAad = (user: UserDocument, userId: string) => user.streamTemplate.replace('{userId}', userId);

function update(
  event: TypedEnvelope<'UserRegistered' | 'UserProfileChanged' | 'UserDeactivated'>,
  tx: ProjectionTx,
  change: (doc: UserDocument) => UserDocument,
  { create = true } = {},
): void {
  const { userId } = event.data;
  if (isErased(tx, event.tenantId, userId)) return;
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
    UserRegistered: (event, tx) => update(event, tx, (doc) => ({ ...doc, displayName: event.data.displayName, active: true })),
    UserProfileChanged: (event, tx) =>
      update(event, tx, (doc) => {
        const { displayName, bookingVisibility } = event.data;
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

function fence(tx: ProjectionTx, tenantId: string, userId: string): void {
  const id = userDocumentId(tenantId, userId);
  tx.put(ERASED_USERS, id, { id, tenantId } satisfies ErasedUserDocument);
}

/**
 * Erasure's first step here: the person may book no more, before identity's deactivation reaches
 * this directory (a fresh id each time, so a retry marks again).
 */
export async function markErasing(store: ProjectionStore, tenantId: string, userId: string): Promise<void> {
  await store.apply(usersDirectory.name, randomUUID(), (tx) => {
    fence(tx, tenantId, userId);
    const id = userDocumentId(tenantId, userId);
    const user = tx.get<UserDocument>(USERS, id);
    if (user?.active) tx.put(USERS, id, { ...user, active: false });
  });
}

/** Erasure, once the keys are gone: drops the person's entry and keeps them fenced against late events. */
export async function forgetUser(store: ProjectionStore, tenantId: string, userId: string): Promise<void> {
  await store.apply(usersDirectory.name, randomUUID(), (tx) => {
    fence(tx, tenantId, userId);
    tx.delete(USERS, userDocumentId(tenantId, userId));
  });
}

/**
 * Whether the person may book: only a deactivation or an erasure refuses. Someone the directory
 * does not know yet (identity's events lag behind a registration) may.
 */
export async function isActiveUser(store: ProjectionStore, tenantId: string, userId: string): Promise<boolean> {
  const id = userDocumentId(tenantId, userId);
  if (await store.get<ErasedUserDocument>(ERASED_USERS, id)) return false;
  return (await store.get<UserDocument>(USERS, id))?.active ?? true;
}
