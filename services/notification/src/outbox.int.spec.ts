import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import { tempDir, type TempDir } from '@plass/testing';
import { MAILS, MAILS_BY_OWNER, OUTBOX_WRITER, enqueue, indexMailsByOwner, mailsOf, readLog, schedule, type MailDocument } from './outbox.js';

const mail = (n: number, owner: string | null, tenantId = 'tenant-a'): MailDocument => ({
  id: `2030-03-04T07:00:0${n}.000Z|m${n}@plass`,
  messageId: `m${n}@plass`,
  tenantId,
  kind: 'booking.confirmed',
  owner,
  bookingId: null,
  bookingEnd: null,
  queuedAt: `2030-03-04T07:00:0${n}.000Z`,
  dueAt: 1_000 + n,
  attempts: 0,
  status: 'queued',
  provider: null,
  sentAt: null,
  failedAt: null,
  aad: `notification-mail-m${n}@plass`,
});

describe('the mails of one recipient', () => {
  let dir: TempDir;
  let store: ProjectionStore;

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const open = () => {
    dir = tempDir('plass-outbox-');
    store = openSqliteProjectionStore({ file: join(dir.path, 'notification.db') });
  };

  it('lists each mail under its recipient once, in queue order, however often it is enqueued', async () => {
    open();
    await store.apply(OUTBOX_WRITER, 'a', (tx) => {
      enqueue(tx, mail(2, 'owner-1'));
      enqueue(tx, mail(1, 'owner-1'));
      enqueue(tx, mail(3, 'owner-2'));
      enqueue(tx, mail(1, 'owner-1'));
      enqueue(tx, mail(4, null));
    });
    expect((await mailsOf(store, 'owner-1')).map((m) => m.messageId)).toEqual(['m1@plass', 'm2@plass']);
    expect((await mailsOf(store, 'owner-2')).map((m) => m.messageId)).toEqual(['m3@plass']);
    expect(await mailsOf(store, 'owner-3')).toEqual([]);
    expect((await readLog(store, { tenantId: 'tenant-a', owner: 'owner-1', limit: 1 })).items.map((entry) => entry.id)).toEqual(['m1@plass']);
    expect((await readLog(store, { tenantId: 'tenant-b', owner: 'owner-1', limit: 10 })).items).toEqual([]);
  });

  it('builds the index once for a store written before it existed, and leaves mails whose link was cut out', async () => {
    open();
    // The earlier layout: mails queued without the index.
    await store.apply(OUTBOX_WRITER, 'old', (tx) => {
      for (const [n, owner] of [
        [1, 'owner-1'],
        [2, 'owner-2'],
        [3, 'owner-1'],
        [5, null],
      ] as const)
        schedule(tx, mail(n, owner), 1_000 + n);
    });
    expect(await store.find(MAILS_BY_OWNER, {})).toEqual([]);
    await indexMailsByOwner(store);
    expect((await mailsOf(store, 'owner-1')).map((m) => m.messageId)).toEqual(['m1@plass', 'm3@plass']);
    expect((await mailsOf(store, 'owner-2')).map((m) => m.messageId)).toEqual(['m2@plass']);
    // A second start does not scan again, and keeps what was indexed since.
    await store.apply(OUTBOX_WRITER, 'new', (tx) => enqueue(tx, mail(6, 'owner-1')));
    await store.apply(OUTBOX_WRITER, 'cut', (tx) => tx.put(MAILS, mail(1, 'owner-1').id, { ...mail(1, 'owner-1'), owner: null }));
    await indexMailsByOwner(store);
    expect((await mailsOf(store, 'owner-1')).map((m) => m.messageId)).toEqual(['m3@plass', 'm6@plass']);
  });
});
