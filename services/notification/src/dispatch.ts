import { isRedacted } from '@plass/contracts';
import { countDocuments, type ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import { contextFromTrace, withSpan } from '@plass/telemetry';
import type { OutgoingMail, SendOutcome } from './delivery/index.js';
import { MailSealed, MAIL_CONTENTS, MAILS, MAILS_DUE, OUTBOX_WRITER, schedule, settle, type MailContentDocument, type MailDocument, type MailDueDocument } from './outbox.js';

/** How long a claimed mail is left to its dispatcher before it is due again (beyond the SMTP timeouts). */
export const CLAIM_MS = 60_000;

export interface DispatchDeps {
  store: ProjectionStore;
  shredder: Shredder;
  send: (mail: OutgoingMail) => Promise<SendOutcome>;
  /** Milliseconds to wait before attempt `attempt` (1 = the first retry); undefined: give up. */
  retryDelay: (attempt: number) => number | undefined;
  now: () => Date;
  /** How long a claimed mail is left to its dispatcher (default CLAIM_MS). */
  claimMs?: number;
  /** How many mails are sent at once (default 1); each is claimed on its own, so this is safe. */
  inFlight?: number;
  onOutcome?: (mail: MailDocument, outcome: SendOutcome | { status: 'dropped'; reason: string }) => void;
}

/**
 * Sends the queued mails that are due, a few at a time, and records each outcome. A crash after the
 * provider accepted a mail but before that was recorded sends it again on the next round, with
 * the same Message-ID, so the recipient's provider can tell it is the same mail; nothing queued is
 * ever lost. Transient failures come back with backoff; permanent ones are recorded once.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatchDeps) {}

  /** Sends up to `batch` mails that are due; `more` when there may be further ones due already. */
  async runDue(batch = 50): Promise<{ sent: number; failed: number; retried: number; dropped: number; more: boolean }> {
    const counts = { sent: 0, failed: 0, retried: 0, dropped: 0 };
    const now = this.deps.now().getTime();
    const due = (await this.deps.store.find<MailDueDocument>(MAILS_DUE, {}, { limit: batch })).filter((doc) => doc.dueAt <= now);
    const inFlight = Math.max(1, this.deps.inFlight ?? 1);
    for (let i = 0; i < due.length; i += inFlight) {
      await Promise.all(
        due.slice(i, i + inFlight).map(async ({ mail: id }) => {
          const mail = await this.claim(id);
          if (mail) counts[await this.dispatch(mail)] += 1;
        }),
      );
    }
    return { ...counts, more: due.length === batch };
  }

  /** The number of mails waiting to be sent. */
  async depth(): Promise<number> {
    return countDocuments(this.deps.store, MAILS_DUE);
  }

  /**
   * Takes a mail for one attempt: counts the attempt and moves its due time past the claim, in one
   * transaction recorded under the attempt's id, so of two dispatchers that see the same mail (a
   * lease that lapsed during a slow round) only one sends it. A dispatcher that dies after its claim
   * leaves the mail due again when the claim ends: it is sent again, never lost.
   */
  private async claim(id: string): Promise<MailDocument | undefined> {
    const seen = await this.deps.store.get<MailDocument>(MAILS, id);
    if (!seen || seen.status !== 'queued') return undefined;
    let claimed: MailDocument | undefined;
    await this.deps.store.apply(OUTBOX_WRITER, `claim:${id}:${seen.attempts}`, (tx) => {
      const current = tx.get<MailDocument>(MAILS, id);
      if (current?.status !== 'queued' || current.attempts !== seen.attempts) return;
      claimed = { ...current, attempts: current.attempts + 1 };
      schedule(tx, claimed, this.deps.now().getTime() + (this.deps.claimMs ?? CLAIM_MS));
      claimed = tx.get<MailDocument>(MAILS, id);
    });
    return claimed;
  }

  private async dispatch(mail: MailDocument): Promise<'sent' | 'failed' | 'retried' | 'dropped'> {
    const opened = await this.open(mail);
    if (!opened) {
      await this.record(mail, (tx) => settle(tx, mail, { status: 'dropped', lastError: 'keys destroyed' }));
      this.deps.onOutcome?.(mail, { status: 'dropped', reason: 'keys destroyed' });
      return 'dropped';
    }
    const outcome = await withSpan(
      'notification',
      'smtp send',
      { 'plass.mail.kind': mail.kind },
      async (span) => {
        const result = await this.deps.send(opened);
        span.setAttributes({ 'plass.mail.outcome': result.status, ...(result.status === 'retry' ? {} : { 'plass.smtp.provider': result.provider }) });
        return result;
      },
      { parentContext: contextFromTrace(mail.trace) },
    );
    const at = this.deps.now();
    this.deps.onOutcome?.(mail, outcome);
    if (outcome.status === 'sent') {
      await this.record(mail, (tx) => settle(tx, mail, { status: 'sent', provider: outcome.provider, sentAt: at.toISOString() }));
      return 'sent';
    }
    const delay = outcome.status === 'retry' ? this.deps.retryDelay(mail.attempts) : undefined;
    if (delay === undefined) {
      const provider = outcome.status === 'failed' ? outcome.provider : null;
      await this.record(mail, (tx) => settle(tx, mail, { status: 'failed', provider, failedAt: at.toISOString(), lastError: outcome.reason }));
      return 'failed';
    }
    await this.record(mail, (tx) => schedule(tx, { ...mail, lastError: outcome.reason }, at.getTime() + delay));
    return 'retried';
  }

  /** Records the outcome of the attempt `mail` claimed, unless another attempt has begun since. */
  private async record(mail: MailDocument, fn: Parameters<ProjectionStore['apply']>[2]): Promise<void> {
    await this.deps.store.apply(OUTBOX_WRITER, `sent:${mail.id}:${mail.attempts}`, (tx) => {
      const current = tx.get<MailDocument>(MAILS, mail.id);
      if (current?.status === 'queued' && current.attempts === mail.attempts) fn(tx);
    });
  }

  private async open(mail: MailDocument): Promise<OutgoingMail | undefined> {
    const content = (await this.deps.store.get<MailContentDocument>(MAIL_CONTENTS, mail.id))?.content ?? mail.content;
    if (!content) return undefined;
    const { data } = await this.deps.shredder.decrypt(MailSealed.pick({ content: true }), { content }, { tenantId: mail.tenantId, aad: mail.aad });
    return isRedacted(data.content) ? undefined : (JSON.parse(data.content) as OutgoingMail);
  }
}
