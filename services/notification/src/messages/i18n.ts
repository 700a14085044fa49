import i18next from 'i18next';
import { Locale } from '@plass/contracts';
import { messages, type MessageKey } from './locales/index.js';

export const LOCALES: readonly Locale[] = Locale.options;

const i18n = i18next.createInstance();
// Resources are in memory and initAsync is off, so init is done when it returns: renderMessage can stay synchronous.
void i18n.init({
  resources: Object.fromEntries(LOCALES.map((locale) => [locale, { translation: messages[locale] }])),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  returnNull: false,
  // Handlebars escapes for the HTML part; the text part and the calendar want the values as they are.
  interpolation: { escapeValue: false },
});

export type Translate = (key: MessageKey, values?: Record<string, string>) => string;

export function translator(locale: Locale): Translate {
  const t = i18n.getFixedT(locale);
  return (key, values) => String(t(key, values ?? {}));
}
