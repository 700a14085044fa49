import { setImmediate as yieldToIo } from 'node:timers/promises';
import { BookingConfirmed, UserRegistered, bookingKeyPeriod, isRedacted, type EncryptedValue, type Locale, type MailKind, type NotificationSettings } from '@plass/contracts';
import type { ProjectionStore } from '@plass/projections';
import type { Shredder } from '@plass/shredder';
import type { OutgoingMail } from './delivery/index.js';
import { renderMessage, type BookingFacts } from './messages/index.js';
import { MailSealed, OUTBOX_WRITER, enqueue, type MailDocument, type MailSummary } from './outbox.js';
import {
  BOOKINGS,
  INTENTS,
  INTENTS_DUE,
  LOCATIONS,
  RECIPIENTS,
  SPACES,
  TENANTS,
  bookingDocId,
  deleteIntent,
  locationDocId,
  putIntent,
  recipientId,
  spaceDocId,
  type BookingDocument,
  type IntentDocument,
  type IntentDueDocument,
  type LocationDocument,
  type RecipientDocument,
  type SpaceDocument,
  type TenantDocument,
} from './projection.js';
import type { Settings } from './settings.js';

/** A recipient identity has not told us of yet is looked for again this often, this many times. */
const RECIPIENT_RETRY_MS = 30_000;
const RECIPIENT_ATTEMPTS = 20;

export interface ComposerDeps {
  store: ProjectionStore;
  shredder: Shredder;
  settings: Settings;
  /** Identity's single-use set-password link token for an invited user. */
  issuePasswordToken: (tenantId: string, userId: string) => Promise<{ token: string; expiresAt: string } | undefined>;
  now: () => Date;
  onDropped?: (kind: MailKind, reason: string) => void;
}

type Outcome = { queued: MailDocument; content: EncryptedValue } | { dropped: string } | { retryAt: number };

/**
 * How late a mail may still go. Older intents are dropped, not sent: a service that was down for
 * days, or a fresh store replaying the event stream, must not mail people about the past.
 */
export const STALE_AFTER_MS: Record<MailKind, number> = {
  'booking.confirmed': 24 * 3_600_000,
  'booking.cancelled': 24 * 3_600_000,
  'booking.released': 24 * 3_600_000,
  'booking.reminder': 30 * 60_000,
  'user.invited': 72 * 3_600_000,
};

const kindSetting: Record<MailKind, keyof NotificationSettings['mails']> = {
  'booking.confirmed': 'confirmed',
  'booking.cancelled': 'cancelled',
  'booking.released': 'released',
  'booking.reminder': 'reminder',
  'user.invited': 'invited',
};

/**
 * Turns the intents that fell due into sealed, queued mails: finds the recipient (decrypting the
 * booker with their booking key), applies the tenant's and the person's choices, renders the mail
 * in their language and seals it with their key. Queuing the mail and deleting the intent are one
 * transaction under the mail's id, so a crash or a second run composes nothing twice.
 */
export class Composer {
  constructor(private readonly deps: ComposerDeps) {}

  /**
   * Composes up to `batch` intents that are due; `more` when there may be further ones due already.
   * The store and the key cache answer without I/O, so it yields after each intent: requests (an
   * erasure, a preference) and events are served between compositions, not after a whole backlog.
   */
  async runDue(batch = 50): Promise<{ queued: number; dropped: number; more: boolean }> {
    const now = this.deps.now().getTime();
    const due = (await this.deps.store.find<IntentDueDocument>(INTENTS_DUE, {}, { limit: batch })).filter((doc) => doc.dueAt <= now);
    let queued = 0;
    let dropped = 0;
    for (const { intent: id } of due) {
      const intent = await this.deps.store.get<IntentDocument>(INTENTS, id);
      if (!intent) continue;
      const outcome = await this.compose(intent);
      if ('queued' in outcome) queued += 1;
      if ('dropped' in outcome) dropped += 1;
      await this.settle(intent, outcome);
      await yieldToIo();
    }
    return { queued, dropped, more: due.length === batch };
  }

  private async settle(intent: IntentDocument, outcome: Outcome): Promise<void> {
    await this.deps.store.apply(OUTBOX_WRITER, `compose:${intent.id}:${intent.attempts}`, (tx) => {
      if (!tx.get(INTENTS, intent.id)) return;
      deleteIntent(tx, intent.id);
      if ('retryAt' in outcome) putIntent(tx, { ...intent, dueAt: outcome.retryAt, attempts: intent.attempts + 1 });
      if ('queued' in outcome) {
        enqueue(tx, outcome.queued, outcome.content);
      }
    });
    if ('dropped' in outcome) this.deps.onDropped?.(intent.kind, outcome.dropped);
  }

  private async compose(intent: IntentDocument): Promise<Outcome> {
    if (this.deps.now().getTime() - intent.dueAt > STALE_AFTER_MS[intent.kind]) return { dropped: 'stale' };
    const settings = await this.deps.settings.of(intent.tenantId);
    if (!settings.mails[kindSetting[intent.kind]] || (intent.kind === 'booking.reminder' && settings.reminderMinutesBefore === 0)) return { dropped: 'turned off by the tenant' };
    return intent.kind === 'user.invited' ? this.composeInvitation(intent, settings) : this.composeBookingMail(intent, settings);
  }

  private async composeBookingMail(intent: IntentDocument, settings: NotificationSettings): Promise<Outcome> {
    const { store, shredder } = this.deps;
    const booking = await store.get<BookingDocument>(BOOKINGS, bookingDocId(intent.tenantId, intent.bookingId!));
    if (!booking) return { dropped: 'unknown booking' };
    if (intent.kind === 'booking.reminder' && booking.status !== 'confirmed') return { dropped: 'no longer pending' };
    if (Date.parse(booking.end) <= this.deps.now().getTime()) return { dropped: 'booking over' };
    const { data } = await shredder.decrypt(BookingConfirmed.data.pick({ bookedBy: true }), { bookedBy: booking.bookedBy }, { tenantId: intent.tenantId, aad: booking.streamId });
    if (isRedacted(data.bookedBy)) return { dropped: 'keys destroyed' };
    const userId = data.bookedBy;
    const found = await this.recipient(intent, userId);
    if (!('recipient' in found)) return found;
    const preferences = await this.deps.settings.preferencesOf(found.recipient.id);
    if ((intent.kind === 'booking.confirmed' && !preferences.confirmations) || (intent.kind === 'booking.reminder' && !preferences.reminders)) {
      return { dropped: 'turned off by the recipient' };
    }
    const facts = await this.bookingFacts(booking, settings);
    if (!facts) return { dropped: 'unknown space' };
    return this.queue(intent, settings, found, { userId, booking, facts });
  }

  private async composeInvitation(intent: IntentDocument, settings: NotificationSettings): Promise<Outcome> {
    const userId = intent.userId!;
    const found = await this.recipient(intent, userId);
    if (!('recipient' in found)) return found;
    if (found.recipient.hasPassword) return { dropped: 'password already set' };
    const token = await this.deps.issuePasswordToken(intent.tenantId, userId);
    if (!token) return { dropped: 'no invitation possible' };
    const link = `${settings.baseUrl}/set-password#token=${encodeURIComponent(token.token)}`;
    return this.queue(intent, settings, found, { userId, invitation: { link, expiresAt: token.expiresAt } });
  }

  private async recipient(
    intent: IntentDocument,
    userId: string,
  ): Promise<{ recipient: RecipientDocument; email: string; name: string } | { dropped: string } | { retryAt: number }> {
    const recipient = await this.deps.store.get<RecipientDocument>(RECIPIENTS, recipientId(intent.tenantId, userId));
    if (!recipient || !recipient.email || !recipient.displayName) {
      // Identity's events may lag behind booking's: look again a little later.
      if (intent.attempts + 1 >= RECIPIENT_ATTEMPTS) return { dropped: 'unknown recipient' };
      return { retryAt: this.deps.now().getTime() + RECIPIENT_RETRY_MS };
    }
    if (!recipient.active) return { dropped: 'recipient deactivated' };
    const aad = recipient.streamTemplate.replace('{userId}', userId);
    const { data } = await this.deps.shredder.decrypt(
      UserRegistered.data.pick({ email: true, displayName: true }),
      { email: recipient.email, displayName: recipient.displayName },
      { tenantId: intent.tenantId, aad },
    );
    if (isRedacted(data.email) || isRedacted(data.displayName)) return { dropped: 'keys destroyed' };
    return { recipient, email: data.email, name: data.displayName };
  }

  private async bookingFacts(booking: BookingDocument, settings: NotificationSettings): Promise<BookingFacts | undefined> {
    const space = await this.deps.store.get<SpaceDocument>(SPACES, spaceDocId(booking.tenantId, booking.spaceId));
    if (!space) return undefined;
    const location = space.locationId ? await this.deps.store.get<LocationDocument>(LOCATIONS, locationDocId(booking.tenantId, space.locationId)) : undefined;
    return {
      bookingId: booking.bookingId,
      start: booking.start,
      end: booking.end,
      timeZone: location?.timezone ?? 'UTC',
      space: { name: space.name, kind: space.kind, ...(space.floor ? { floor: space.floor } : {}), ...(space.zone ? { zone: space.zone } : {}) },
      location: { name: location?.name ?? '' },
      reminderMinutes: settings.reminderMinutesBefore,
    };
  }

  private async queue(
    intent: IntentDocument,
    settings: NotificationSettings,
    to: { recipient: RecipientDocument; email: string; name: string },
    about: { userId: string; booking?: BookingDocument; facts?: BookingFacts; invitation?: { link: string; expiresAt: string } },
  ): Promise<Outcome> {
    const now = this.deps.now();
    const tenant = await this.deps.store.get<TenantDocument>(TENANTS, intent.tenantId);
    const locale: Locale = to.recipient.locale ?? settings.defaultLocale;
    const rendered = renderMessage({
      kind: intent.kind,
      locale,
      recipient: { name: to.name, email: to.email },
      sender: settings.sender,
      tenantName: tenant?.name ?? settings.sender.name,
      baseUrl: settings.baseUrl,
      now: now.toISOString(),
      ...(about.facts ? { booking: about.facts } : {}),
      ...(about.invitation ? { invitation: about.invitation } : {}),
    });
    const messageId = `${intent.id}@plass`;
    const mail: OutgoingMail = {
      messageId,
      from: { name: settings.sender.name, address: settings.sender.address },
      to: { name: to.name, address: to.email },
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      ...(rendered.calendar ? { calendar: rendered.calendar } : {}),
    };
    const id = `${now.toISOString()}|${messageId}`;
    const aad = `notification-mail-${messageId}`;
    const summary: MailSummary = { to: to.email, subject: rendered.subject };
    const plain = { content: JSON.stringify(mail), summary: JSON.stringify(summary) };
    const period = about.booking ? { period: bookingKeyPeriod(about.booking.end) } : {};
    const sealed = await this.deps.shredder.encrypt(MailSealed, plain, { tenantId: intent.tenantId, subjectId: about.userId, aad, ...period });
    return {
      queued: {
        id,
        messageId,
        tenantId: intent.tenantId,
        kind: intent.kind,
        owner: to.recipient.id,
        bookingId: about.booking?.bookingId ?? null,
        bookingEnd: about.booking?.end ?? null,
        queuedAt: now.toISOString(),
        dueAt: now.getTime(),
        attempts: 0,
        status: 'queued',
        provider: null,
        sentAt: null,
        failedAt: null,
        aad,
        summary: sealed.summary as MailDocument['summary'] & object,
        ...(intent.trace ? { trace: intent.trace } : {}),
      },
      content: sealed.content as EncryptedValue,
    };
  }
}
