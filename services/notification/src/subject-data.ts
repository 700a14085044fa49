import { randomUUID } from 'node:crypto';
import { BookingConfirmed, bookingKeyPeriod, isRedacted, retentionCutoff } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { MailSealed, MAILS, OUTBOX_WRITER, unlink, type MailDocument, type MailSummary } from './outbox.js';
import { BOOKINGS, INTENTS, RECIPIENTS, TENANTS, bookingDocId, deleteIntent, recipientId, type BookingDocument, type IntentDocument, type TenantDocument } from './projection.js';
import { PREFERENCES } from './settings.js';

export interface ExportedMail {
  kind: MailDocument['kind'];
  status: MailDocument['status'];
  queuedAt: string;
  sentAt: string | null;
  bookingId: string | null;
  subject: string | null;
}

/**
 * Notification's part in erasure, export and retention. After the keys are gone nothing sealed can
 * be read; forgetting also cuts the links (the recipient entry, the preferences, the log's owner)
 * and drops what was still to be sent.
 */
export class SubjectData {
  constructor(private readonly deps: { store: ProjectionStore; shredder: Shredder; now: () => Date }) {}

  async forget(tenantId: string, userId: string): Promise<void> {
    const { store } = this.deps;
    const owner = recipientId(tenantId, userId);
    const mails = await store.find<MailDocument>(MAILS, { tenantId, owner });
    const pending = await this.pendingIntentsOf(tenantId, userId);
    await store.apply(OUTBOX_WRITER, `forget:${randomUUID()}`, (tx) => {
      tx.delete(RECIPIENTS, owner);
      tx.delete(PREFERENCES, owner);
      for (const mail of mails) unlink(tx, tx.get<MailDocument>(MAILS, mail.id) ?? mail);
      for (const id of pending) deleteIntent(tx, id);
    });
  }

  /** The person's intents: invitations name them; booking mails are theirs when their booking key opens the booker. */
  private async pendingIntentsOf(tenantId: string, userId: string): Promise<string[]> {
    const { store, shredder } = this.deps;
    const intents = await store.find<IntentDocument>(INTENTS, { tenantId });
    const mine = intents.filter((intent) => intent.userId === userId).map((intent) => intent.id);
    const bookingIntents = intents.filter((intent) => intent.bookingId !== undefined);
    const bookings = await Promise.all(bookingIntents.map((intent) => store.get<BookingDocument>(BOOKINGS, bookingDocId(tenantId, intent.bookingId!))));
    const rows = bookings.map((booking) => ({ stored: booking ? { bookedBy: booking.bookedBy } : {}, aad: booking?.streamId ?? '' }));
    const opened = await shredder.decryptMany(BookingConfirmed.data.pick({ bookedBy: true }), rows, { tenantId });
    // Keys already destroyed (the saga forgets after shredding): unreadable bookers are dropped too, they can never be sent.
    bookingIntents.forEach((intent, i) => {
      const bookedBy = opened[i]!.data.bookedBy;
      if (bookings[i] === undefined || isRedacted(bookedBy) || bookedBy === userId) mine.push(intent.id);
    });
    return mine;
  }

  async export(tenantId: string, userId: string): Promise<ExportedMail[]> {
    const mails = await this.deps.store.find<MailDocument>(MAILS, { tenantId, owner: recipientId(tenantId, userId) });
    const opened = await this.deps.shredder.decryptMany(
      MailSealed.pick({ summary: true }),
      mails.map((mail) => ({ stored: mail.summary ? { summary: mail.summary } : {}, aad: mail.aad })),
      { tenantId },
    );
    return mails.map((mail, i) => {
      const summary = opened[i]!.data.summary;
      const subject = typeof summary === 'string' ? (JSON.parse(summary) as MailSummary).subject : null;
      return { kind: mail.kind, status: mail.status, queuedAt: mail.queuedAt, sentAt: mail.sentAt, bookingId: mail.bookingId, subject };
    });
  }

  /**
   * Retention: once booking anonymizes a booking (N days after the day it ended), the log's mails
   * about it lose their recipient too, and their notification keys of that day are destroyed.
   */
  async applyRetention(tenantId: string, periodsBefore: string): Promise<number> {
    const mails = (await this.deps.store.find<MailDocument>(MAILS, { tenantId })).filter(
      (mail) => mail.owner !== null && mail.bookingEnd !== null && bookingKeyPeriod(mail.bookingEnd) < periodsBefore,
    );
    if (mails.length === 0) return 0;
    await this.deps.store.apply(OUTBOX_WRITER, `retention:${randomUUID()}`, (tx) => {
      for (const mail of mails) unlink(tx, tx.get<MailDocument>(MAILS, mail.id) ?? mail);
    });
    return mails.length;
  }

  /** Each tenant with a retention period, and the oldest booking day it keeps. */
  async retentionCutoffs(): Promise<{ tenantId: string; periodsBefore: string }[]> {
    const tenants = await this.deps.store.find<TenantDocument>(TENANTS, {});
    return tenants.flatMap((tenant) =>
      typeof tenant.anonymizeBookingsAfterDays === 'number' ? [{ tenantId: tenant.id, periodsBefore: retentionCutoff(this.deps.now(), tenant.anonymizeBookingsAfterDays) }] : [],
    );
  }
}
