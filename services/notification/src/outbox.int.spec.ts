import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openSqliteProjectionStore, type ProjectionStore } from '@plass/projections';
import { tempDir, type TempDir } from '@plass/testing';
import type { EncryptedValue } from '@plass/contracts';
import {
  MAIL_CONTENTS,
  MAILS,
  MAILS_BY_OWNER,
  MAILS_DUE,
  OUTBOX_WRITER,
  enqueue,
  indexMailsByOwner,
  mailsOf,
  readLog,
  schedule,
  settle,
  unlink,
  type MailDocument,
} from './outbox.js';

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

/** Stands in for a sealed content: the outbox stores it without reading it. */
const sealed = (n: number): EncryptedValue => ({ $enc: 'A256GCM', kid: `kid-${n}`, iv: 'aXY', ct: `Y3Q${n}` });

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
      enqueue(tx, mail(2, 'owner-1'), sealed(2));
      enqueue(tx, mail(1, 'owner-1'), sealed(1));
      enqueue(tx, mail(3, 'owner-2'), sealed(3));
      enqueue(tx, mail(1, 'owner-1'), sealed(1));
      enqueue(tx, mail(4, null), sealed(4));
    });
    expect((await mailsOf(store, 'owner-1')).map((m) => m.messageId)).toEqual(['m1@plass', 'm2@plass']);
    expect((await mailsOf(store, 'owner-2')).map((m) => m.messageId)).toEqual(['m3@plass']);
    expect(await mailsOf(store, 'owner-3')).toEqual([]);
    expect((await readLog(store, { tenantId: 'tenant-a', owner: 'owner-1', limit: 1 })).items.map((entry) => entry.id)).toEqual(['m1@plass']);
    expect((await readLog(store, { tenantId: 'tenant-b', owner: 'owner-1', limit: 10 })).items).toEqual([]);
  });

  it('keeps each mail’s sealed content in a document of its own until the mail leaves the queue, sent or unlinked', async () => {
    open();
    await store.apply(OUTBOX_WRITER, 'a', (tx) => {
      enqueue(tx, mail(1, 'owner-1'), sealed(1));
      enqueue(tx, mail(2, 'owner-1'), sealed(2));
      enqueue(tx, mail(3, 'owner-2'), sealed(3));
    });
    expect(await store.get(MAIL_CONTENTS, mail(1, 'owner-1').id)).toEqual({ id: mail(1, 'owner-1').id, content: sealed(1) });
    expect((await store.get<MailDocument>(MAILS, mail(1, 'owner-1').id))?.content).toBeUndefined();
    await store.apply(OUTBOX_WRITER, 'b', (tx) => {
      settle(tx, tx.get<MailDocument>(MAILS, mail(1, 'owner-1').id)!, { status: 'sent', provider: 'primary', sentAt: '2030-03-04T07:01:00.000Z' });
      unlink(tx, tx.get<MailDocument>(MAILS, mail(2, 'owner-1').id)!);
    });
    expect((await store.find<{ id: string }>(MAIL_CONTENTS, {})).map((doc) => doc.id)).toEqual([mail(3, 'owner-2').id]);
    expect(await store.count!(MAILS_DUE, {})).toBe(1);
    // A mail of the earlier layout, its content inline, loses it the same way.
    await store.apply(OUTBOX_WRITER, 'c', (tx) => schedule(tx, { ...mail(4, 'owner-1'), content: sealed(4) }, 1_004));
    await store.apply(OUTBOX_WRITER, 'd', (tx) => settle(tx, tx.get<MailDocument>(MAILS, mail(4, 'owner-1').id)!, { status: 'failed', failedAt: '2030-03-04T07:02:00.000Z' }));
    expect(await store.get<MailDocument>(MAILS, mail(4, 'owner-1').id)).toMatchObject({ status: 'failed' });
    expect((await store.get<MailDocument>(MAILS, mail(4, 'owner-1').id))?.content).toBeUndefined();
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
    await store.apply(OUTBOX_WRITER, 'new', (tx) => enqueue(tx, mail(6, 'owner-1'), sealed(6)));
    await store.apply(OUTBOX_WRITER, 'cut', (tx) => tx.put(MAILS, mail(1, 'owner-1').id, { ...mail(1, 'owner-1'), owner: null }));
    await indexMailsByOwner(store);
    expect((await mailsOf(store, 'owner-1')).map((m) => m.messageId)).toEqual(['m3@plass', 'm6@plass']);
  });
});
