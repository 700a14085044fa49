import type { Locale } from '@plass/contracts';
import { da } from './da.js';
import { de } from './de.js';
import { en, type Messages } from './en.js';
import { nb } from './nb.js';
import { sv } from './sv.js';

export type { Messages };
export const messages: Record<Locale, Messages> = { en, nb, da, sv, de };

/** Mail kinds are dotted (`booking.confirmed`): as i18next keys they nest (`booking` → `confirmed`). */
function nested(flat: Messages): Record<string, unknown> {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(flat)) {
    const [head, ...rest] = key.split('.');
    if (rest.length === 0) tree[head!] = value as Record<string, unknown>;
    else tree[head!] = { ...tree[head!], [rest.join('.')]: value };
  }
  return tree;
}

export const resources = Object.fromEntries(Object.entries(messages).map(([locale, translation]) => [locale, { translation: nested(translation) }]));
