import { createHash } from 'node:crypto';
import type { EncryptedValue, EventEnvelope, Locale, MailKind, SpaceKind, TraceContext, TypedEnvelope } from '@plass/contracts';
import type { ProjectionDefinition, ProjectionTx } from '@plass/projections';

/**
 * What notification keeps, fed by booking's and identity's events: the places (names, time
 * zones), the bookings (their booker only sealed, as booking published it), the recipients (address
 * and name only sealed), and the mails it decided to send (`intents`) with their due times. Every
 * handler is pure and runs inside the store's idempotent transaction, so a redelivered event
 * decides nothing twice; composing and sending happen afterwards (composer, dispatcher).
 */
export const RECIPIENTS = 'notification_recipients';
export const LOCATIONS = 'notification_locations';
export const SPACES = 'notification_spaces';
export const BOOKINGS = 'notification_bookings';
export const INTENTS = 'notification_intents';
/** Intents by due time: `<dueAt, 15 digits>|<intent id>`, so the earliest come first in id order. */
export const INTENTS_DUE = 'notification_intents_due';
export const TENANTS = 'notification_tenants';

/** A hash of tenant and user id: the store holds no user id in clear, and only who knows the id finds the entry. */
export const recipientId = (tenantId: string, userId: string) => createHash('sha256').update(`${tenantId}/${userId}`).digest('hex');

export interface RecipientDocument {
  id: string;
  tenantId: string;
  /** Identity's stream id with the user id replaced by `{userId}`: the aad of the sealed fields. */
  streamTemplate: string;
  email?: EncryptedValue;
  displayName?: EncryptedValue;
  locale?: Locale;
  active: boolean;
  hasPassword: boolean;
}

export interface LocationDocument {
  id: string;
  name: string;
  timezone: string;
}

export interface SpaceDocument {
  id: string;
  name: string;
  kind: SpaceKind;
  floor?: string;
  zone?: string;
  locationId?: string;
}

export type BookingStatus = 'confirmed' | 'checked_in' | 'cancelled' | 'released';

export interface BookingDocument {
  id: string;
  tenantId: string;
  bookingId: string;
  spaceId: string;
  start: string;
  end: string;
  /** As booking sealed it: only the booker's booking key opens it. */
  bookedBy: EncryptedValue;
  /** The aad of `bookedBy`. */
  streamId: string;
  status: BookingStatus;
  /** The id of the reminder intent while one is pending. */
  reminder?: string;
}

export interface IntentDocument {
  /** The mail's stable Message-ID (local part): `<cause event id>.<kind>`. */
  id: string;
  tenantId: string;
  kind: MailKind;
  dueAt: number;
  /** The booking a booking mail is about. */
  bookingId?: string;
  /** The recipient of an invitation (booking mails find theirs through the booking). */
  recipient?: string;
  /** An invitation's user, for identity's set-password token; the intent lives until the mail is queued. */
  userId?: string;
  attempts: number;
  /** The causing event's trace, continued when the mail is composed and sent. */
  trace?: TraceContext;
}

export interface IntentDueDocument {
  id: string;
  intent: string;
  dueAt: number;
}

/** A tenant as notification sees it: its name for mails, and the retention booking applies. */
export interface TenantDocument {
  id: string;
  name?: string;
  anonymizeBookingsAfterDays?: number | null;
}

export const DEFAULT_REMINDER_MINUTES = 15;

const traceOf = (event: Pick<EventEnvelope, 'trace'>) => (event.trace ? { trace: event.trace } : {});
const docId = (tenantId: string, id: string) => `${tenantId}:${id}`;
export const bookingDocId = docId;
export const spaceDocId = docId;
export const locationDocId = docId;
export const dueId = (dueAt: number, intent: string) => `${String(dueAt).padStart(15, '0')}|${intent}`;
export const intentId = (causeEventId: string, kind: MailKind) => `${causeEventId}.${kind}`;

export function putIntent(tx: ProjectionTx, intent: IntentDocument): void {
  tx.put(INTENTS, intent.id, intent);
  tx.put(INTENTS_DUE, dueId(intent.dueAt, intent.id), { id: dueId(intent.dueAt, intent.id), intent: intent.id, dueAt: intent.dueAt } satisfies IntentDueDocument);
}

export function deleteIntent(tx: ProjectionTx, id: string): void {
  const intent = tx.get<IntentDocument>(INTENTS, id);
  if (!intent) return;
  tx.delete(INTENTS_DUE, dueId(intent.dueAt, id));
  tx.delete(INTENTS, id);
}

/**
 * The reminder's lead time at the time of booking; a tenant's later change applies to bookings
 * made after it (and turning reminders off drops the pending ones when they fall due).
 */
export type ReminderLead = (tx: ProjectionTx, tenantId: string) => number;

type BookingEvent = TypedEnvelope<'BookingConfirmed' | 'BookingCheckedIn' | 'BookingCancelled' | 'BookingReleasedAsNoShow' | 'BookingRescheduled'>;

function bookingMail(tx: ProjectionTx, event: BookingEvent, kind: MailKind, dueAt: number): void {
  const { bookingId } = event.data;
  putIntent(tx, { id: intentId(event.id, kind), tenantId: event.tenantId, kind, dueAt, bookingId, attempts: 0, ...traceOf(event) });
}

function endBooking(tx: ProjectionTx, event: BookingEvent, status: BookingStatus): BookingDocument | undefined {
  const { bookingId } = event.data;
  const id = bookingDocId(event.tenantId, bookingId);
  const booking = tx.get<BookingDocument>(BOOKINGS, id);
  if (!booking) return undefined;
  if (booking.reminder) deleteIntent(tx, booking.reminder);
  const { reminder: _gone, ...rest } = booking;
  const next: BookingDocument = { ...rest, status };
  tx.put(BOOKINGS, id, next);
  return next;
}

export function bookingNotifications(reminderLead: ReminderLead): ProjectionDefinition {
  return {
    name: 'notification_bookings',
    collections: [LOCATIONS, SPACES, BOOKINGS, INTENTS, INTENTS_DUE, TENANTS],
    handlers: {
      LocationCreated: (event, tx) => {
        const { locationId, name, timezone } = event.data;
        tx.put(LOCATIONS, locationDocId(event.tenantId, locationId), { id: locationId, name, timezone } satisfies LocationDocument);
      },
      LocationUpdated: (event, tx) => {
        const { locationId, name, timezone } = event.data;
        const id = locationDocId(event.tenantId, locationId);
        const found = tx.get<LocationDocument>(LOCATIONS, id);
        if (found) tx.put(LOCATIONS, id, { ...found, ...(name === undefined ? {} : { name }), ...(timezone === undefined ? {} : { timezone }) });
      },
      SpaceCreated: (event, tx) => {
        const { spaceId, name, kind, floor, zone, locationId } = event.data;
        tx.put(SPACES, spaceDocId(event.tenantId, spaceId), {
          id: spaceId,
          name,
          kind,
          ...(floor === undefined ? {} : { floor }),
          ...(zone === undefined ? {} : { zone }),
          ...(locationId === undefined ? {} : { locationId }),
        } satisfies SpaceDocument);
      },
      SpaceUpdated: (event, tx) => {
        const { spaceId, name, floor, zone } = event.data;
        const id = spaceDocId(event.tenantId, spaceId);
        const found = tx.get<SpaceDocument>(SPACES, id);
        if (!found) return;
        const next: SpaceDocument = { ...found, ...(name === undefined ? {} : { name }) };
        if (floor === null) delete next.floor;
        else if (floor !== undefined) next.floor = floor;
        if (zone === null) delete next.zone;
        else if (zone !== undefined) next.zone = zone;
        tx.put(SPACES, id, next);
      },
      BookingRetentionChanged: (event, tx) => {
        const { anonymizeBookingsAfterDays } = event.data;
        const found = tx.get<TenantDocument>(TENANTS, event.tenantId) ?? { id: event.tenantId };
        tx.put(TENANTS, event.tenantId, { ...found, anonymizeBookingsAfterDays });
      },
      BookingConfirmed: (event, tx) => {
        const { bookingId, spaceId, start, end, bookedBy } = event.data;
        const decidedAt = Date.parse(event.occurredAt);
        bookingMail(tx, event, 'booking.confirmed', decidedAt);
        const lead = reminderLead(tx, event.tenantId);
        const remindAt = Date.parse(start) - lead * 60_000;
        const reminder = lead > 0 && remindAt > decidedAt ? intentId(event.id, 'booking.reminder') : undefined;
        if (reminder) bookingMail(tx, event, 'booking.reminder', remindAt);
        tx.put(BOOKINGS, bookingDocId(event.tenantId, bookingId), {
          id: bookingDocId(event.tenantId, bookingId),
          tenantId: event.tenantId,
          bookingId,
          spaceId,
          start,
          end,
          bookedBy,
          streamId: event.streamId,
          status: 'confirmed',
          ...(reminder ? { reminder } : {}),
        } satisfies BookingDocument);
      },
      // Editing a booking
      BookingRescheduled: (event, tx) => {
        // No mail of its own yet (a "booking changed" mail needs its templates); the reminder follows the new start.
        const { bookingId, spaceId, start, end, bookedBy } = event.data;
        const id = bookingDocId(event.tenantId, bookingId);
        const found = tx.get<BookingDocument>(BOOKINGS, id);
        if (!found) return;
        if (found.reminder) deleteIntent(tx, found.reminder);
        const { reminder: _moved, ...rest } = found;
        const lead = reminderLead(tx, event.tenantId);
        const remindAt = Date.parse(start) - lead * 60_000;
        const reminder = found.status === 'confirmed' && lead > 0 && remindAt > Date.parse(event.occurredAt) ? intentId(event.id, 'booking.reminder') : undefined;
        if (reminder) bookingMail(tx, event, 'booking.reminder', remindAt);
        tx.put(BOOKINGS, id, { ...rest, spaceId, start, end, ...(bookedBy === undefined ? {} : { bookedBy }), ...(reminder ? { reminder } : {}) } satisfies BookingDocument);
      },
      // End of: Editing a booking
      BookingCheckedIn: (event, tx) => void endBooking(tx, event, 'checked_in'),
      BookingCancelled: (event, tx) => {
        const ended = endBooking(tx, event, 'cancelled');
        // Erasure cancels the erased person's bookings: they are told nothing, their keys are going.
        if (ended && event.data.reason !== 'erasure') bookingMail(tx, event, 'booking.cancelled', Date.parse(event.occurredAt));
      },
      BookingReleasedAsNoShow: (event, tx) => {
        if (endBooking(tx, event, 'released')) bookingMail(tx, event, 'booking.released', Date.parse(event.occurredAt));
      },
    },
  };
}

function updateRecipient(
  event: TypedEnvelope<'UserRegistered' | 'UserProfileChanged' | 'UserPasswordChanged' | 'UserDeactivated'>,
  tx: ProjectionTx,
  change: (doc: RecipientDocument) => RecipientDocument,
  { create = true } = {},
): RecipientDocument | undefined {
  const { userId } = event.data;
  const id = recipientId(event.tenantId, userId);
  const found = tx.get<RecipientDocument>(RECIPIENTS, id);
  if (!found && !create) return undefined;
  const doc = found ?? { id, tenantId: event.tenantId, streamTemplate: event.streamId.replace(userId, '{userId}'), active: true, hasPassword: false };
  const next = change(doc);
  tx.put(RECIPIENTS, id, next);
  return next;
}

/** Fed by identity's events: who can be written to, in which language, and who is invited to set a password. */
export const recipientsDirectory: ProjectionDefinition = {
  name: 'notification_recipients',
  collections: [RECIPIENTS, TENANTS, INTENTS, INTENTS_DUE],
  handlers: {
    TenantCreated: (event, tx) => {
      const { tenantId, name } = event.data;
      const found = tx.get<TenantDocument>(TENANTS, tenantId) ?? { id: tenantId };
      tx.put(TENANTS, tenantId, { ...found, name });
    },
    UserRegistered: (event, tx) => {
      const { userId, email, displayName, locale, passwordHash } = event.data;
      const hasPassword = passwordHash !== undefined;
      const doc = updateRecipient(event, tx, (found) => ({ ...found, email, displayName, locale, active: true, hasPassword }));
      if (doc && !hasPassword) {
        putIntent(tx, {
          id: intentId(event.id, 'user.invited'),
          tenantId: event.tenantId,
          kind: 'user.invited',
          dueAt: Date.parse(event.occurredAt),
          recipient: doc.id,
          userId,
          attempts: 0,
          ...traceOf(event),
        });
      }
    },
    UserProfileChanged: (event, tx) =>
      void updateRecipient(
        event,
        tx,
        (doc) => {
          const { email, displayName, locale } = event.data;
          return { ...doc, ...(email === undefined ? {} : { email }), ...(displayName === undefined ? {} : { displayName }), ...(locale === undefined ? {} : { locale }) };
        },
        { create: false },
      ),
    UserPasswordChanged: (event, tx) => void updateRecipient(event, tx, (doc) => ({ ...doc, hasPassword: true }), { create: false }),
    UserDeactivated: (event, tx) => void updateRecipient(event, tx, (doc) => ({ ...doc, active: false }), { create: false }),
  },
};
