import type { Locale } from '@plass/contracts';
import { da } from './da.js';
import { de } from './de.js';
import { en, type MessageKey, type Messages } from './en.js';
import { nb } from './nb.js';
import { sv } from './sv.js';

export type { MessageKey, Messages };
export const messages: Record<Locale, Messages> = { en, nb, da, sv, de };
