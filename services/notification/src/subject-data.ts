import { randomUUID } from 'node:crypto';
import { bookingKeyPeriod, retentionCutoff } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { MailSealed, MAILS, MAILS_BY_OWNER, OUTBOX_WRITER, mailsOf, ownerEntries, ownerMailId, unlink, type MailDocument, type MailSummary } from './outbox.js';
import { INTENTS, RECIPIENTS, TENANTS, deleteIntent, recipientId, type IntentDocument, type TenantDocument } from './projection.js';
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
    const entries = await ownerEntries(store, owner);
    // Invitations name the person. Their booking mails still to be composed name nobody: the saga has
    // destroyed the keys of their bookers before it asks us to forget (and cancelled their bookings,
    // which drops the reminders), so those intents are dropped when due, unread and unsent. Finding
    // them now would mean opening the booker of every pending intent of the tenant.
    const invitations = await store.find<IntentDocument>(INTENTS, { tenantId, userId });
    await store.apply(OUTBOX_WRITER, `forget:${randomUUID()}`, (tx) => {
      tx.delete(RECIPIENTS, owner);
      tx.delete(PREFERENCES, owner);
      for (const entry of entries) {
        const mail = tx.get<MailDocument>(MAILS, entry.mail);
        if (mail?.owner === owner) unlink(tx, mail);
        tx.delete(MAILS_BY_OWNER, entry.id);
      }
      for (const intent of invitations) deleteIntent(tx, intent.id);
    });
  }

  async export(tenantId: string, userId: string): Promise<ExportedMail[]> {
    const mails = (await mailsOf(this.deps.store, recipientId(tenantId, userId))).filter((mail) => mail.tenantId === tenantId);
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
      for (const mail of mails) {
        unlink(tx, tx.get<MailDocument>(MAILS, mail.id) ?? mail);
        tx.delete(MAILS_BY_OWNER, ownerMailId(mail.owner!, mail.id));
      }
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
