import { MailKind, type Locale, type SpaceKind } from '@plass/contracts';
import { bookingCalendar } from './calendar.js';
import { clockTime, dateTime, formatRange, inMinutes, shortDate } from './format.js';
import { translator, type Translate } from './i18n.js';
import { renderHtml, renderText, webLink, type MailContent } from './templates.js';

export type { MailKind };
export const MAIL_KINDS: readonly MailKind[] = MailKind.options;

export interface BookingFacts {
  bookingId: string;
  /** ISO UTC instants. */
  start: string;
  end: string;
  /** The location's IANA zone, e.g. `Europe/Oslo`: every time in the mail is shown in it. */
  timeZone: string;
  space: { name: string; kind: SpaceKind; floor?: string; zone?: string };
  location: { name: string };
  cancelledBy?: 'self' | 'admin';
  /** For `booking.reminder`: how long before the start it goes. */
  reminderMinutes?: number;
  checkInUrl?: string;
}

export interface MessageInput {
  kind: MailKind;
  locale: Locale;
  recipient: { name: string; email: string };
  sender: { name: string; address: string };
  tenantName: string;
  /** Where links point, e.g. `https://plass.example.com`. */
  baseUrl: string;
  /** The moment of composing (ISO), the calendar entry's DTSTAMP. */
  now: string;
  /** Every `booking.*` kind. */
  booking?: BookingFacts;
  /** `user.invited`. */
  invitation?: { link: string; expiresAt: string };
}

export interface RenderedMessage {
  /** Logged and shown in logs: never the recipient's name. */
  subject: string;
  text: string;
  html: string;
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

type Draft = Omit<MailContent, 'lang' | 'tenantName' | 'greeting' | 'footer'> & { calendar?: RenderedMessage['calendar'] };

export function renderMessage(input: MessageInput): RenderedMessage {
  const t = translator(input.locale);
  const draft = compose(input, t);
  const content: MailContent = {
    lang: input.locale,
    subject: draft.subject,
    tenantName: input.tenantName,
    greeting: t('common.greeting', { name: input.recipient.name }),
    paragraphs: draft.paragraphs,
    details: draft.details,
    actions: draft.actions,
    notes: draft.notes,
    footer: t('common.footer', { tenant: input.tenantName }),
  };
  return {
    subject: content.subject,
    text: renderText(content),
    html: renderHtml(content),
    ...(draft.calendar ? { calendar: draft.calendar } : {}),
  };
}

function compose(input: MessageInput, t: Translate): Draft {
  switch (input.kind) {
    case 'booking.confirmed':
    case 'booking.cancelled':
    case 'booking.released':
    case 'booking.reminder':
      return bookingMail(input, input.kind, t);
    case 'user.invited':
      return invitationMail(input, t);
    default: {
      const unknown: never = input.kind;
      throw new RangeError(`no mail for ${String(unknown)}`);
    }
  }
}

type BookingKind = Exclude<MailKind, 'user.invited'>;

function bookingMail(input: MessageInput, kind: BookingKind, t: Translate): Draft {
  const booking = input.booking;
  if (!booking) throw new RangeError(`${kind} needs the booking's facts`);
  const { locale } = input;
  const { space, timeZone } = booking;
  const link = webLink(`${input.baseUrl.replace(/\/+$/, '')}/bookings/${encodeURIComponent(booking.bookingId)}`);
  const when = formatRange(locale, timeZone, booking.start, booking.end);
  const date = shortDate(locale, booking.start, timeZone);
  const time = clockTime(locale, booking.start, timeZone);
  const details = [
    { label: t('common.space'), value: space.name },
    { label: t('common.kind'), value: t(`kinds.${space.kind}`) },
    { label: t('common.floor'), value: space.floor ?? '' },
    { label: t('common.zone'), value: space.zone ?? '' },
    { label: t('common.location'), value: booking.location.name },
    { label: t('common.when'), value: when },
  ].filter(({ value }) => value !== '');
  const actions = [{ label: t('common.viewBooking'), url: link }];
  const checkIn = booking.checkInUrl ? [{ label: t('common.checkIn'), url: webLink(booking.checkInUrl) }] : [];

  const calendar = (method: 'REQUEST' | 'CANCEL', intro: string) => ({
    method,
    content: bookingCalendar({
      bookingId: booking.bookingId,
      method,
      sequence: method === 'REQUEST' ? 0 : 1,
      start: booking.start,
      end: booking.end,
      timeZone,
      summary: space.name,
      description: `${intro}\n\n${t('common.when')}: ${when}\n${t('common.viewBooking')}: ${link}`,
      location: [booking.location.name, space.floor, space.zone].filter(Boolean).join(', '),
      organizer: { name: input.sender.name, email: input.sender.address },
      attendee: input.recipient,
      url: link,
      stamp: input.now,
    }),
  });

  switch (kind) {
    case 'booking.confirmed': {
      const intro = t('confirmed.intro');
      return {
        subject: t('confirmed.subject', { space: space.name, date }),
        paragraphs: [intro],
        details,
        actions: [...actions, ...checkIn],
        notes: [t('confirmed.calendar')],
        calendar: calendar('REQUEST', intro),
      };
    }
    case 'booking.cancelled': {
      const intro = t(booking.cancelledBy === 'self' ? 'cancelled.introSelf' : booking.cancelledBy === 'admin' ? 'cancelled.introAdmin' : 'cancelled.intro');
      return { subject: t('cancelled.subject', { space: space.name, date }), paragraphs: [intro], details, actions, notes: [], calendar: calendar('CANCEL', intro) };
    }
    case 'booking.released': {
      const intro = t('released.intro');
      return { subject: t('released.subject', { space: space.name, date }), paragraphs: [intro], details, actions, notes: [], calendar: calendar('CANCEL', intro) };
    }
    case 'booking.reminder': {
      const intro =
        booking.reminderMinutes && booking.reminderMinutes > 0
          ? t('reminder.startsIn', { relative: inMinutes(locale, booking.reminderMinutes), time })
          : t('reminder.startsAt', { time });
      return {
        subject: t('reminder.subject', { space: space.name, date, time }),
        paragraphs: checkIn.length ? [intro, t('reminder.checkIn')] : [intro],
        details,
        actions: [...checkIn, ...actions],
        notes: [],
      };
    }
  }
}

function invitationMail(input: MessageInput, t: Translate): Draft {
  const invitation = input.invitation;
  if (!invitation) throw new RangeError('user.invited needs the invitation');
  return {
    subject: t('invited.subject', { tenant: input.tenantName }),
    paragraphs: [t('invited.intro', { tenant: input.tenantName })],
    details: [],
    actions: [{ label: t('invited.action'), url: webLink(invitation.link) }],
    notes: [t('invited.expiry', { expires: dateTime(input.locale, invitation.expiresAt, 'UTC') }), t('invited.ignore')],
  };
}
