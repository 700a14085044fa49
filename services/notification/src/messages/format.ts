import type { Locale } from '@plass/contracts';

// Bare 'en' formats the US way (month first, 12-hour clock); plass's users work in Europe.
export const INTL_LOCALES: Record<Locale, string> = { en: 'en-GB', nb: 'nb-NO', da: 'da-DK', sv: 'sv-SE', de: 'de-DE' };

export function instant(iso: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an ISO instant: ${iso}`);
  return date;
}

/** "Tuesday, 8 December 2026, 09:00–17:00 (Europe/Oslo)", in the locale's style; both dates when it spans days. */
export function formatRange(locale: Locale, timeZone: string, start: string, end: string): string {
  const format = new Intl.DateTimeFormat(INTL_LOCALES[locale], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
  return `${format.formatRange(instant(start), instant(end))} (${timeZone})`;
}

export function shortDate(locale: Locale, at: string, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[locale], { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(instant(at));
}

export function clockTime(locale: Locale, at: string, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(instant(at));
}

export function dateTime(locale: Locale, at: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat(INTL_LOCALES[locale], { dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23', timeZone });
  return `${format.format(instant(at))} (${timeZone})`;
}

/** "in 30 minutes", "in 2 hours", in the locale's words. */
export function inMinutes(locale: Locale, minutes: number): string {
  const format = new Intl.RelativeTimeFormat(INTL_LOCALES[locale], { numeric: 'always' });
  return minutes >= 60 && minutes % 60 === 0 ? format.format(minutes / 60, 'hour') : format.format(minutes, 'minute');
}
