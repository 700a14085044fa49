import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventEnvelope } from '@plass/contracts';
import { ProjectionRunner, openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import { tempDir, type TempDir } from '@plass/testing';
import { ACKNOWLEDGEMENTS, forgetAcknowledgements, privacyPolicies } from './privacy-policies.js';
import { USERS, forgetUser, isActiveUser, markErasing, userDocumentId, usersDirectory, type UserDocument } from './users-directory.js';

const tenantId = randomUUID();
const sealed = { $enc: 'A256GCM', kid: 'k_profile', iv: 'aXY', ct: 'Y3Q' } as const;

function event(context: 'identity' | 'privacy', type: string, userId: string, data: Record<string, unknown> = {}): EventEnvelope {
  const streamId = context === 'identity' ? `user-${tenantId}-${userId}` : `policy-${tenantId}`;
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    tenantId,
    context,
    streamId,
    occurredAt: '2030-03-04T09:00:00.000Z',
    correlationId: randomUUID(),
    causationId: null,
    data: { userId, ...data },
  };
}
const registered = (userId: string) => event('identity', 'UserRegistered', userId, { email: sealed, displayName: sealed, role: 'employee', locale: 'en' });
const profileChanged = (userId: string) => event('identity', 'UserProfileChanged', userId, { displayName: sealed, bookingVisibility: 'hidden' });
const deactivated = (userId: string) => event('identity', 'UserDeactivated', userId);
const acknowledged = (userId: string) => event('privacy', 'PrivacyPolicyAcknowledged', userId, { version: 'v1' });

describe('booking’s users directory through erasure (projections in SQLite)', () => {
  let dir: TempDir;
  let store: ProjectionStore;
  let users: ProjectionRunner;
  let policies: ProjectionRunner;

  beforeEach(() => {
    dir = tempDir('plass-users-directory-');
    store = openSqliteProjectionStore({ file: join(dir.path, 'read-model.db') });
    users = new ProjectionRunner({ definition: usersDirectory, store });
    policies = new ProjectionRunner({ definition: privacyPolicies, store });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const row = (userId: string) => store.get<UserDocument>(USERS, userDocumentId(tenantId, userId));
  const acknowledgements = (userId: string) => store.get(ACKNOWLEDGEMENTS, userDocumentId(tenantId, userId));
  /** Everything identity and privacy may still deliver about a person. */
  async function deliverAll(userId: string): Promise<void> {
    for (const late of [registered(userId), profileChanged(userId), deactivated(userId)]) await users.handle(late);
    await policies.handle(acknowledged(userId));
  }

  it('lets book whoever it does not know yet or knows as active, and no one deactivated', async () => {
    const [unknown, active, gone] = [randomUUID(), randomUUID(), randomUUID()];
    await users.handle(registered(active));
    await users.handle(registered(gone));
    await users.handle(deactivated(gone));
    expect(await isActiveUser(store, tenantId, unknown)).toBe(true);
    expect(await isActiveUser(store, tenantId, active)).toBe(true);
    expect(await isActiveUser(store, tenantId, gone)).toBe(false);
    expect(await isActiveUser(store, randomUUID(), gone)).toBe(true);
  });

  it('refuses a person once their erasure began, known or not, and a late registration does not bring them back', async () => {
    const [known, unknown] = [randomUUID(), randomUUID()];
    await users.handle(registered(known));
    await markErasing(store, tenantId, known);
    await markErasing(store, tenantId, unknown);
    expect(await row(known)).toMatchObject({ active: false });
    await deliverAll(known);
    await users.handle(registered(unknown));
    expect(await isActiveUser(store, tenantId, known)).toBe(false);
    expect(await isActiveUser(store, tenantId, unknown)).toBe(false);
    expect(await row(known)).toMatchObject({ active: false, displayName: sealed });
    expect((await row(known))?.bookingVisibility).toBeUndefined();
    expect(await row(unknown)).toBeUndefined();
  });

  it('keeps a forgotten person out: late identity and privacy events recreate nothing', async () => {
    const [forgotten, other] = [randomUUID(), randomUUID()];
    await deliverAll(forgotten);
    expect(await row(forgotten)).toBeDefined();
    expect(await acknowledgements(forgotten)).toBeDefined();

    await forgetUser(store, tenantId, forgotten);
    await forgetAcknowledgements(store, tenantId, forgotten);
    await deliverAll(forgotten);
    await forgetUser(store, tenantId, forgotten);
    await deliverAll(forgotten);
    await deliverAll(other);

    expect(await row(forgotten)).toBeUndefined();
    expect(await acknowledgements(forgotten)).toBeUndefined();
    expect(await isActiveUser(store, tenantId, forgotten)).toBe(false);
    expect(await row(other)).toMatchObject({ active: false, bookingVisibility: 'hidden' });
    expect(await acknowledgements(other)).toMatchObject({ versions: ['v1'] });
  });
});
