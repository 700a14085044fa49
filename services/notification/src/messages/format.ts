import type { Locale } from '@plass/contracts';

// Bare 'en' formats the US way (month first, 12-hour clock); plass's users work in Europe.
export const INTL_LOCALES: Record<Locale, string> = { en: 'en-GB', nb: 'nb-NO', da: 'da-DK', sv: 'sv-SE', de: 'de-DE' };

/** Formatters are costly to build and few (locales × zones × styles): each is built once. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const FORMATTERS_MAX = 1000;

function dateTimeFormat(locale: Locale, timeZone: string, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    format = new Intl.DateTimeFormat(INTL_LOCALES[locale], { ...options, timeZone });
    formatters.set(key, format);
  }
  return format;
}

export function instant(iso: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an ISO instant: ${iso}`);
  return date;
}

/** "Tuesday, 8 December 2026, 09:00–17:00 (Europe/Oslo)", in the locale's style; both dates when it spans days. */
export function formatRange(locale: Locale, timeZone: string, start: string, end: string): string {
  const format = dateTimeFormat(locale, timeZone, 'range', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${format.formatRange(instant(start), instant(end))} (${timeZone})`;
}

export function shortDate(locale: Locale, at: string, timeZone: string): string {
  return dateTimeFormat(locale, timeZone, 'short-date', { weekday: 'short', day: 'numeric', month: 'short' }).format(instant(at));
}

export function clockTime(locale: Locale, at: string, timeZone: string): string {
  return dateTimeFormat(locale, timeZone, 'clock', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant(at));
}

export function dateTime(locale: Locale, at: string, timeZone: string): string {
  const format = dateTimeFormat(locale, timeZone, 'date-time', { dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23' });
  return `${format.format(instant(at))} (${timeZone})`;
}

const relativeFormats = new Map<Locale, Intl.RelativeTimeFormat>();

/** "in 30 minutes", "in 2 hours", in the locale's words. */
export function inMinutes(locale: Locale, minutes: number): string {
  const format = relativeFormats.get(locale) ?? new Intl.RelativeTimeFormat(INTL_LOCALES[locale], { numeric: 'always' });
  relativeFormats.set(locale, format);
  return minutes >= 60 && minutes % 60 === 0 ? format.format(minutes / 60, 'hour') : format.format(minutes, 'minute');
}
