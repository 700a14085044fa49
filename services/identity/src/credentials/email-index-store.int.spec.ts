import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir, type TempDir } from '@plass/testing';
import { EmailIndexStore } from './email-index-store.js';

const tenant = '3d0f4a8e-2b1c-4d5e-9f60-718293a4b5c6';
const first = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const second = '1f2e3d4c-5b6a-4978-8a7b-6c5d4e3f2a1b';

describe('EmailIndexStore', () => {
  let dir: TempDir;
  let db: Database.Database;
  let now: Date;
  /** What the event store says: user → their current address (blind index). */
  const current = new Map<string, string>();
  const store = () => new EmailIndexStore(db, { now: () => now, holdsAddress: async (_t, userId, blindIndex) => current.get(userId) === blindIndex });

  beforeEach(() => {
    dir = tempDir('plass-email-index-');
    db = new Database(join(dir.path, 'credentials.db'));
    now = new Date('2030-01-01T00:00:00Z');
    current.clear();
  });

  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('holds an address for one user; a retry by the same user keeps it', async () => {
    const index = store();
    expect(await index.reserve(tenant, 'blind', first)).toBe(true);
    expect(await index.reserve(tenant, 'blind', first)).toBe(true);
    expect(await index.reserve(tenant, 'blind', second)).toBe(false);
    index.confirm(tenant, 'blind', first);
    now = new Date(now.getTime() + 3_600_000);
    expect(await index.reserve(tenant, 'blind', second)).toBe(false);
    expect(index.lookup(tenant, 'blind')).toBe(first);
  });

  it('frees an address whose registration failed', async () => {
    const index = store();
    await index.reserve(tenant, 'blind', first);
    await index.release(tenant, 'blind', first);
    expect(index.lookup(tenant, 'blind')).toBeUndefined();
    expect(await index.reserve(tenant, 'blind', second)).toBe(true);
  });

  it('keeps an address whose registration reached the store although the caller saw a failure', async () => {
    const index = store();
    await index.reserve(tenant, 'blind', first);
    current.set(first, 'blind');
    await index.release(tenant, 'blind', first);
    expect(await index.reserve(tenant, 'blind', second)).toBe(false);
  });

  it('resolves a reservation a crash left behind once it is stale, by asking the event store whether the user holds it', async () => {
    await store().reserve(tenant, 'crashed', first);
    await store().reserve(tenant, 'landed', first);
    const index = store();
    expect(await index.reserve(tenant, 'crashed', second)).toBe(false);
    now = new Date(now.getTime() + 61_000);
    expect(await index.reserve(tenant, 'crashed', second)).toBe(true);
    current.set(first, 'landed');
    expect(await index.reserve(tenant, 'landed', second)).toBe(false);
    expect(index.lookup(tenant, 'landed')).toBe(first);
  });

  it('frees a reservation for a correction that never landed, though the user exists', async () => {
    const index = store();
    await index.reserve(tenant, 'old', first);
    index.confirm(tenant, 'old', first);
    current.set(first, 'old');
    await index.reserve(tenant, 'new', first);
    await index.release(tenant, 'new', first);
    expect(index.lookup(tenant, 'new')).toBeUndefined();
    expect(index.lookup(tenant, 'old')).toBe(first);
  });

  it('keeps only the corrected address of a user', async () => {
    const index = store();
    await index.reserve(tenant, 'old', first);
    index.confirm(tenant, 'old', first);
    await index.reserve(tenant, 'other', second);
    await index.reserve(tenant, 'new', first);
    index.confirm(tenant, 'new', first);
    expect(index.retainOnly(tenant, first, 'new')).toEqual(['old']);
    expect(index.lookup(tenant, 'old')).toBeUndefined();
    expect(index.lookup(tenant, 'new')).toBe(first);
    expect(index.lookup(tenant, 'other')).toBe(second);
  });

  it('forgets every address of a user', async () => {
    const index = store();
    await index.reserve(tenant, 'blind', first);
    index.confirm(tenant, 'blind', first);
    expect(index.forget(tenant, first)).toEqual(['blind']);
    expect(index.lookup(tenant, 'blind')).toBeUndefined();
  });
});
