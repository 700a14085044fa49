import Handlebars from 'handlebars';
import i18next, { type TFunction } from 'i18next';
import type { Locale, MailKind, SpaceKind } from '@plass/contracts';
import { bookingCalendar } from './calendar.js';
import { resources } from './locales/index.js';

export interface BookingFacts {
  bookingId: string;
  start: string;
  end: string;
  /** The location's IANA zone: times are shown in it. */
  timeZone: string;
  space: { name: string; kind: SpaceKind; floor?: string; zone?: string };
  location: { name: string };
  /** For a reminder: how long before start it goes. */
  reminderMinutes?: number;
}

export interface MessageInput {
  kind: MailKind;
  locale: Locale;
  recipient: { name: string; email: string };
  sender: { name: string; address: string };
  tenantName: string;
  /** Links point below it (no trailing slash). */
  baseUrl: string;
  /** When the mail is made (the calendar's DTSTAMP). */
  now: string;
  booking?: BookingFacts;
  invitation?: { link: string; expiresAt: string };
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

/** The locale's conventions for dates and times, as Intl knows them. */
export const INTL_LOCALES: Record<Locale, string> = { en: 'en-GB', nb: 'nb-NO', da: 'da-DK', sv: 'sv-SE', de: 'de-DE' };

const i18n = i18next.createInstance();
void i18n.init({ resources, fallbackLng: false, initAsync: false, interpolation: { escapeValue: false }, returnNull: false });

const layout = Handlebars.compile<{
  subject: string;
  greeting: string;
  intro: string;
  details: { label: string; value: string }[];
  action?: { label: string; url: string };
  note?: string;
  footer: string;
}>(
  `<!doctype html>
<html><head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: system-ui, sans-serif; color: #1a1a1a; max-width: 36rem; margin: 0 auto; padding: 1rem">
<p>{{greeting}}</p>
<p>{{intro}}</p>
{{#if details.length}}<table role="presentation" style="border-collapse: collapse">
{{#each details}}<tr><th style="text-align: left; padding: 0.2rem 1rem 0.2rem 0; font-weight: 600">{{label}}</th><td style="padding: 0.2rem 0">{{value}}</td></tr>
{{/each}}</table>{{/if}}
{{#if action}}<p><a href="{{action.url}}" style="display: inline-block; padding: 0.6rem 1rem; background: #0b57d0; color: #fff; text-decoration: none; border-radius: 0.3rem">{{action.label}}</a></p>{{/if}}
{{#if note}}<p>{{note}}</p>{{/if}}
<p style="color: #666; font-size: 0.85rem">{{footer}}</p>
</body></html>
`,
  { strict: true },
);

function formatters(locale: Locale, timeZone: string) {
  const tag = INTL_LOCALES[locale];
  const date = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return { date: (iso: string) => date.format(new Date(iso)), time: (iso: string) => time.format(new Date(iso)) };
}

/** "Monday, 4 March 2030, 10:00–13:00 (Europe/Oslo)", in the recipient's language and the location's zone. */
export function formatRange(locale: Locale, timeZone: string, start: string, end: string): string {
  const f = formatters(locale, timeZone);
  const sameDay = f.date(start) === f.date(end);
  const range = sameDay ? `${f.date(start)}, ${f.time(start)}–${f.time(end)}` : `${f.date(start)}, ${f.time(start)} – ${f.date(end)}, ${f.time(end)}`;
  return `${range} (${timeZone})`;
}

function bookingDetails(t: TFunction, booking: BookingFacts, locale: Locale) {
  return [
    { label: t('common.space'), value: booking.space.name },
    { label: t('common.kind'), value: t(`common.kinds.${booking.space.kind}`) },
    ...(booking.space.floor ? [{ label: t('common.floor'), value: booking.space.floor }] : []),
    ...(booking.space.zone ? [{ label: t('common.zone'), value: booking.space.zone }] : []),
    ...(booking.location.name ? [{ label: t('common.location'), value: booking.location.name }] : []),
    { label: t('common.when'), value: formatRange(locale, booking.timeZone, booking.start, booking.end) },
  ];
}

const CALENDAR_METHOD: Partial<Record<MailKind, { method: 'REQUEST' | 'CANCEL'; sequence: number }>> = {
  'booking.confirmed': { method: 'REQUEST', sequence: 0 },
  'booking.cancelled': { method: 'CANCEL', sequence: 1 },
  'booking.released': { method: 'CANCEL', sequence: 1 },
};

/** The subject, plain text, HTML and (for booking changes) calendar part of one mail. Deterministic. */
export function renderMessage(input: MessageInput): RenderedMessage {
  const t = i18n.getFixedT(input.locale);
  const { booking, invitation } = input;
  const facts = booking ? formatters(input.locale, booking.timeZone) : undefined;
  const values = {
    name: input.recipient.name,
    tenant: input.tenantName,
    space: booking?.space.name ?? '',
    date: booking ? facts!.date(booking.start) : '',
    time: booking ? facts!.time(booking.start) : '',
    minutes: String(booking?.reminderMinutes ?? ''),
    expires: invitation ? `${formatters(input.locale, booking?.timeZone ?? 'UTC').date(invitation.expiresAt)}, ${formatters(input.locale, 'UTC').time(invitation.expiresAt)} UTC` : '',
  };
  const subject = t(`${input.kind}.subject`, values);
  const details = booking ? bookingDetails(t, booking, input.locale) : [];
  const action = invitation
    ? { label: t('user.invited.action'), url: invitation.link }
    : booking
      ? { label: t('common.open'), url: `${input.baseUrl}/bookings/${booking.bookingId}` }
      : undefined;
  const note = invitation ? t('user.invited.expiry', values) : undefined;
  const parts = {
    subject,
    greeting: t('common.greeting', values),
    intro: t(`${input.kind}.intro`, values),
    details,
    footer: t('common.footer', values),
    ...(action ? { action } : {}),
    ...(note ? { note } : {}),
  };
  const text = [
    parts.greeting,
    '',
    parts.intro,
    ...(details.length > 0 ? ['', ...details.map(({ label, value }) => `${label}: ${value}`)] : []),
    ...(action ? ['', `${action.label}: ${action.url}`] : []),
    ...(note ? ['', note] : []),
    '',
    '-- ',
    parts.footer,
    '',
  ].join('\n');
  const calendar = booking ? CALENDAR_METHOD[input.kind] : undefined;
  return {
    subject,
    text,
    html: layout(parts),
    ...(calendar && booking
      ? {
          calendar: {
            method: calendar.method,
            content: bookingCalendar({
              bookingId: booking.bookingId,
              method: calendar.method,
              sequence: calendar.sequence,
              start: booking.start,
              end: booking.end,
              timeZone: booking.timeZone,
              summary: `${t(`common.kinds.${booking.space.kind}`)}: ${booking.space.name}`,
              description: `${formatRange(input.locale, booking.timeZone, booking.start, booking.end)}\n${input.baseUrl}/bookings/${booking.bookingId}`,
              location: [booking.location.name, booking.space.floor, booking.space.zone].filter(Boolean).join(', '),
              organizer: { name: input.sender.name, email: input.sender.address },
              attendee: { name: input.recipient.name, email: input.recipient.email },
              url: `${input.baseUrl}/bookings/${booking.bookingId}`,
              stamp: input.now,
            }),
          },
        }
      : {}),
  };
}
