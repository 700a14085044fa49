import { NotificationMailSealed, type EncryptedValue, type MailKind, type NotificationLogEntry, type TraceContext } from '@plass/contracts';
import { getDocuments, type ProjectionStore, type ProjectionTx } from '@plass/projections';

/**
 * Every mail notification decided to send, from queued to sent or failed: the durable send queue
 * and the notification log in one document. The mail itself (addresses, names, body) and its
 * summary (address and subject, for the log and the export) are sealed with the recipient's
 * notification keys (MailSealed). The content is deleted once the mail is out.
 */
export const MAILS = 'notification_mails';
/**
 * The sealed content of each mail still to be sent, keyed by mail id: read once, when the mail is
 * sent, while its claim and outcome rewrite only the small mail document (the content is most of
 * a mail's size). Mails queued before 2026-12-08 hold it inline (`MailDocument.content`).
 */
export const MAIL_CONTENTS = 'notification_mail_contents';
/** Mails waiting to be sent, by due time: `<dueAt>|<mail id>`. */
export const MAILS_DUE = 'notification_mails_due';
/**
 * Each recipient's mails, one entry `<owner>|<mail id>` per mail: erasure, export and a person's
 * log read that person's entries (a key range) instead of scanning the log, which grows with history.
 */
export const MAILS_BY_OWNER = 'notification_mails_by_owner';
/** One marker per one-time change of the outbox's layout that is done, so a start does not scan the log again. */
const OUTBOX_MIGRATIONS = 'notification_outbox_migrations';
/** Compose and dispatch write under fresh or derived ids, not event ids. */
export const OUTBOX_WRITER = 'notification_outbox';

export type MailStatus = 'queued' | 'sent' | 'failed' | 'dropped';

export interface MailDocument {
  /** `<queuedAt ISO>|<message id>`: id order is time order. */
  id: string;
  messageId: string;
  tenantId: string;
  kind: MailKind;
  /** The recipient id (a hash of tenant and user id); null once erasure or retention cut the link. */
  owner: string | null;
  bookingId: string | null;
  /** The booking's end: retention cuts the link to the person with the booking's. */
  bookingEnd: string | null;
  queuedAt: string;
  dueAt: number;
  attempts: number;
  status: MailStatus;
  provider: 'primary' | 'secondary' | null;
  sentAt: string | null;
  failedAt: string | null;
  /** A reason without personal data (SMTP texts are redacted by the sender). */
  lastError?: string;
  /** The aad of the sealed fields. */
  aad: string;
  /** Only in mails queued before 2026-12-08; since, the content is a document of MAIL_CONTENTS. */
  content?: EncryptedValue;
  summary?: EncryptedValue;
  /** The trace of the event that caused the mail: the SMTP transaction is its span's child. */
  trace?: TraceContext;
}

export interface OwnerMailDocument {
  id: string;
  mail: string;
}

export const ownerMailId = (owner: string, mail: string) => `${owner}|${mail}`;

export interface MailContentDocument {
  id: string;
  content: EncryptedValue;
}

export interface MailDueDocument {
  id: string;
  mail: string;
  dueAt: number;
}

/** The sealed parts of a mail (contracts: NotificationMailSealed), listed in the tenant's Art. 30 record. */
export const MailSealed = NotificationMailSealed;

export interface MailSummary {
  to: string;
  subject: string;
}

export const mailDueId = (dueAt: number, mail: string) => `${String(dueAt).padStart(15, '0')}|${mail}`;

export function schedule(tx: ProjectionTx, mail: MailDocument, dueAt: number): void {
  const previous = tx.get<MailDocument>(MAILS, mail.id);
  if (previous && previous.status === 'queued') tx.delete(MAILS_DUE, mailDueId(previous.dueAt, mail.id));
  tx.put(MAILS, mail.id, { ...mail, dueAt });
  tx.put(MAILS_DUE, mailDueId(dueAt, mail.id), { id: mailDueId(dueAt, mail.id), mail: mail.id, dueAt } satisfies MailDueDocument);
}

/** A newly composed mail: queued, its sealed content beside it, and listed under its recipient. Composing the same intent twice queues it once. */
export function enqueue(tx: ProjectionTx, mail: MailDocument, content: EncryptedValue): void {
  if (tx.get(MAILS, mail.id)) return;
  schedule(tx, mail, mail.dueAt);
  tx.put(MAIL_CONTENTS, mail.id, { id: mail.id, content } satisfies MailContentDocument);
  if (mail.owner !== null) tx.put(MAILS_BY_OWNER, ownerMailId(mail.owner, mail.id), { id: ownerMailId(mail.owner, mail.id), mail: mail.id } satisfies OwnerMailDocument);
}

/** The entries listing a recipient's mails, in mail id (queue) order. */
export const ownerEntries = (store: ProjectionStore, owner: string) => store.find<OwnerMailDocument>(MAILS_BY_OWNER, {}, { idPrefix: `${owner}|` });

/** A recipient's mails, oldest first. */
export async function mailsOf(store: ProjectionStore, owner: string): Promise<MailDocument[]> {
  const ids = (await ownerEntries(store, owner)).map((entry) => entry.mail);
  return (await getDocuments<MailDocument>(store, MAILS, ids)).filter((mail): mail is MailDocument => mail?.owner === owner);
}

/**
 * Stores written before the owner index existed get it once, from a scan of the log; recorded
 * under a fixed id, so it runs on one start only. (A replica of the earlier version composing
 * during a rolling upgrade leaves its mails out of the index; see ADR 0016.)
 */
export async function indexMailsByOwner(store: ProjectionStore): Promise<void> {
  if (await store.get(OUTBOX_MIGRATIONS, MAILS_BY_OWNER)) return;
  const mails = await store.find<MailDocument>(MAILS, {});
  await store.apply(OUTBOX_WRITER, 'index:mails-by-owner:1', (tx) => {
    for (const { id, owner } of mails) if (owner !== null) tx.put(MAILS_BY_OWNER, ownerMailId(owner, id), { id: ownerMailId(owner, id), mail: id } satisfies OwnerMailDocument);
    tx.put(OUTBOX_MIGRATIONS, MAILS_BY_OWNER, { done: true });
  });
}

/** A mail leaves the queue: sent, failed for good or dropped. Its content goes with it. */
export function settle(tx: ProjectionTx, mail: MailDocument, change: Partial<MailDocument> & { status: Exclude<MailStatus, 'queued'> }): void {
  tx.delete(MAILS_DUE, mailDueId(mail.dueAt, mail.id));
  tx.delete(MAIL_CONTENTS, mail.id);
  const { content: _content, ...rest } = mail;
  tx.put(MAILS, mail.id, { ...rest, ...change });
}

/** Forgets who a mail went to: the link, and everything sealed (unreadable already once the keys are gone). */
export function unlink(tx: ProjectionTx, mail: MailDocument): void {
  if (mail.status === 'queued') tx.delete(MAILS_DUE, mailDueId(mail.dueAt, mail.id));
  tx.delete(MAIL_CONTENTS, mail.id);
  const { content: _content, summary: _summary, ...rest } = mail;
  tx.put(MAILS, mail.id, { ...rest, owner: null, ...(mail.status === 'queued' ? { status: 'dropped' as const, lastError: 'recipient erased' } : {}) });
}

export const logEntryOf = (mail: MailDocument): NotificationLogEntry => ({
  id: mail.messageId,
  kind: mail.kind,
  status: mail.status,
  provider: mail.provider,
  bookingId: mail.bookingId,
  queuedAt: mail.queuedAt,
  sentAt: mail.sentAt,
  failedAt: mail.failedAt,
  attempts: mail.attempts,
});

export interface LogQuery {
  tenantId: string;
  owner?: string;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** The log oldest first in `[from, to)`; the cursor is the last mail id of the page before. */
export async function readLog(store: ProjectionStore, query: LogQuery): Promise<{ items: NotificationLogEntry[]; nextCursor: string | null }> {
  const from = query.from === undefined ? -Infinity : Date.parse(query.from);
  const to = query.to === undefined ? Infinity : Date.parse(query.to);
  const candidates = query.owner === undefined ? await store.find<MailDocument>(MAILS, { tenantId: query.tenantId }) : await mailsOf(store, query.owner);
  const mails = candidates.filter((mail) => {
    if (mail.tenantId !== query.tenantId) return false;
    const at = Date.parse(mail.queuedAt);
    return at >= from && at < to && (query.cursor === undefined || mail.id > query.cursor);
  });
  const page = mails.slice(0, query.limit);
  return { items: page.map(logEntryOf), nextCursor: mails.length > query.limit ? page.at(-1)!.id : null };
}
