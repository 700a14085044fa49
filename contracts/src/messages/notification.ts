import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { pii } from '../pii.js';
import { Locale } from '../events/identity.js';
import { Page, PageQuery } from './paging.js';
import { defineRequest } from './define.js';

/**
 * The notification service's API: what a person wants mailed, what a tenant sends, and the log
 * of what was sent. Recipient addresses are never part of an answer: the log names the kind,
 * status, times and booking only.
 */

export const MailKind = z.enum(['booking.confirmed', 'booking.cancelled', 'booking.released', 'booking.reminder', 'user.invited']);
export type MailKind = z.infer<typeof MailKind>;

/** A person's choices; cancellations and releases are transactional and always go. */
export const NotificationPreferences = z.object({ confirmations: z.boolean(), reminders: z.boolean() });
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;
export const ChangeNotificationPreferencesBody = z
  .strictObject({ confirmations: z.boolean().optional(), reminders: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });

export const MAX_REMINDER_MINUTES = 24 * 60;

export const NotificationSettings = z.object({
  /** Which mails the tenant sends at all. */
  mails: z.object({ confirmed: z.boolean(), cancelled: z.boolean(), released: z.boolean(), reminder: z.boolean(), invited: z.boolean() }),
  /** Minutes before start a reminder goes while the booking is not checked in; 0 turns reminders off. */
  reminderMinutesBefore: z.number().int().min(0).max(MAX_REMINDER_MINUTES),
  sender: z.object({ address: z.email().max(254), name: z.string().trim().min(1).max(100) }),
  /** Where links in mails point, e.g. `https://plass.example.com` (no trailing slash). */
  baseUrl: z.url({ protocol: /^https?$/ }).max(200),
  /** For recipients whose own locale is unknown. */
  defaultLocale: Locale,
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const ChangeNotificationSettingsBody = z
  .strictObject({
    mails: NotificationSettings.shape.mails.partial().strict().optional(),
    reminderMinutesBefore: NotificationSettings.shape.reminderMinutesBefore.optional(),
    sender: NotificationSettings.shape.sender.strict().optional(),
    baseUrl: NotificationSettings.shape.baseUrl.optional(),
    defaultLocale: Locale.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });

export const NotificationStatus = z.enum(['queued', 'sent', 'failed', 'dropped']);
export const SmtpProvider = z.enum(['primary', 'secondary']);

export const NotificationLogEntry = z.object({
  /** The mail's stable Message-ID (without angle brackets): derived from its cause. */
  id: z.string(),
  kind: MailKind,
  status: NotificationStatus,
  provider: SmtpProvider.nullable(),
  bookingId: Uuid.nullable(),
  queuedAt: Timestamp,
  sentAt: Timestamp.nullable(),
  failedAt: Timestamp.nullable(),
  attempts: z.number().int().nonnegative(),
});
export type NotificationLogEntry = z.infer<typeof NotificationLogEntry>;

const LogRange = z.object({ from: Timestamp.optional(), to: Timestamp.optional() });
export const NotificationLogQuery = PageQuery.extend(LogRange.shape).extend({ userId: Uuid.optional() });
export const MyNotificationLogQuery = PageQuery.extend(LogRange.shape);

export const GetNotificationPreferences = defineRequest('notification.qry.GetPreferences', z.object({}), NotificationPreferences);
export const ChangeNotificationPreferences = defineRequest('notification.cmd.ChangePreferences', ChangeNotificationPreferencesBody, NotificationPreferences);
export const GetNotificationSettings = defineRequest('notification.qry.GetSettings', z.object({}), NotificationSettings);
export const ChangeNotificationSettings = defineRequest('notification.cmd.ChangeSettings', ChangeNotificationSettingsBody, NotificationSettings);
export const ListNotifications = defineRequest('notification.qry.ListNotifications', NotificationLogQuery, Page(NotificationLogEntry));
export const ListMyNotifications = defineRequest('notification.qry.ListMyNotifications', MyNotificationLogQuery, Page(NotificationLogEntry));
/** The booking's calendar entry (RFC 5545) for its booker: a request while it stands, a cancellation once it ended early. */
export const GetBookingCalendar = defineRequest('notification.qry.GetBookingCalendar', z.object({ bookingId: Uuid }), z.object({ calendar: z.string() }));

const sealedPart = (what: string) => pii(z.string(), { category: 'contact', purpose: 'notification', description: `${what} of a mail notification sent to a user` });
/**
 * What notification keeps of a mail, sealed with the recipient's notification key: of the booking's
 * day for a booking mail (retention destroys it with the booking's), without a period for an
 * invitation. The content is deleted once the mail is out; the summary serves the log and the export.
 */
export const NotificationMailSealed = z.object({
  content: sealedPart('the address, name and text'),
  summary: sealedPart('the address and subject'),
});
