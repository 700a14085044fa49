import { describe, expect, it } from '@jest/globals';
import { booking, invitation, message } from './test-fixtures.js';
import { LOCALES, MAIL_KINDS, messages, renderMessage, type BookingFacts, type MessageInput } from './index.js';

const leaves = (tree: object, prefix = ''): Array<[string, string]> =>
  Object.entries(tree).flatMap(([key, value]): Array<[string, string]> => (typeof value === 'string' ? [[`${prefix}${key}`, value]] : leaves(value as object, `${prefix}${key}.`)));

/** Keys the locale lacks and keys only it has, against English. */
function keyDiff(english: object, other: object): { missing: string[]; extra: string[] } {
  const theirs = new Set(leaves(other).map(([key]) => key));
  const ours = new Set(leaves(english).map(([key]) => key));
  return { missing: [...ours].filter((key) => !theirs.has(key)), extra: [...theirs].filter((key) => !ours.has(key)) };
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();

/** Every kind with every optional fact present and absent, so each translation key gets used somewhere. */
const variants = (locale: (typeof LOCALES)[number]): MessageInput[] =>
  MAIL_KINDS.flatMap((kind) => {
    if (kind === 'user.invited') return [message(kind, locale)];
    const facts: BookingFacts[] = [
      booking,
      { ...booking, cancelledBy: 'self' },
      { ...booking, cancelledBy: 'admin' },
      { bookingId: booking.bookingId, start: booking.start, end: booking.end, timeZone: booking.timeZone, space: { name: 'P7', kind: 'parking' }, location: { name: '' } },
      { ...booking, space: { name: 'Fjord', kind: 'room' }, reminderMinutes: 120 },
    ];
    return facts.map((facts) => message(kind, locale, { booking: facts }));
  });

describe('translations', () => {
  it('have exactly the English keys, with the same placeholders, in every locale', () => {
    const english = new Map(leaves(messages.en));
    for (const locale of LOCALES) {
      expect({ locale, ...keyDiff(messages.en, messages[locale]) }).toEqual({ locale, missing: [], extra: [] });
      for (const [key, text] of leaves(messages[locale])) {
        expect({ locale, key, placeholders: placeholders(text) }).toEqual({ locale, key, placeholders: placeholders(english.get(key)!) });
        expect(text.trim()).not.toBe('');
      }
    }
  });

  it('are compared in a way that notices a missing and an extra key', () => {
    const { released: _released, ...rest } = messages.nb;
    expect(keyDiff(messages.en, { ...rest, released: {}, surplus: { key: 'x' } })).toEqual({ missing: ['released.subject', 'released.intro'], extra: ['surplus.key'] });
  });

  it('render every kind in every locale with nothing left unreplaced and no key showing', () => {
    const keys = leaves(messages.en).map(([key]) => key);
    for (const locale of LOCALES) {
      for (const input of variants(locale)) {
        const rendered = renderMessage(input);
        for (const part of [rendered.subject, rendered.text, rendered.html]) {
          expect(part).not.toMatch(/\{\{|\}\}|\$t\(/);
          for (const key of keys) expect(part).not.toContain(key);
        }
        const { common } = messages[locale];
        expect(rendered.text).toContain(common.greeting.replace('{{name}}', 'Kari Nordmann'));
        expect(rendered.text).toContain(common.footer.replace('{{tenant}}', 'Acme'));
        expect(rendered.subject).toContain(input.booking?.space.name ?? 'Acme');
        expect(rendered.html).toContain(`<html lang="${locale}">`);
      }
    }
  });

  it('are the recipient’s language, each different from English', () => {
    const intro = (locale: (typeof LOCALES)[number]) => renderMessage(message('booking.confirmed', locale)).text;
    expect(intro('de')).toContain('Ihre Buchung ist bestätigt.');
    expect(intro('nb')).toContain('Bookingen din er bekreftet.');
    expect(intro('da')).toContain('Din booking er bekræftet.');
    expect(intro('sv')).toContain('Din bokning är bekräftad.');
    expect(intro('en')).toContain('Your booking is confirmed.');
  });
});

describe('a booking mail', () => {
  it('names the space, its kind, floor, zone, location, local time range and links to the booking', () => {
    const { text, html } = renderMessage(message('booking.confirmed'));
    const link = `https://plass.example.com/bookings/${booking.bookingId}`;
    for (const part of [text, html]) {
      for (const fact of ['Desk 4.12', 'Desk', '4', 'North', 'Oslo HQ', 'Tuesday, 8 December 2026, 09:00–17:00 (Europe/Oslo)', link]) expect(part).toContain(fact);
    }
    expect(text).toContain('Floor: 4\nZone: North\nLocation: Oslo HQ');
    expect(html).toContain(`href="${link}"`);
  });

  it('leaves out the floor, zone and location it does not know', () => {
    const { text } = renderMessage(message('booking.cancelled', 'en', { booking: { ...booking, space: { name: 'P7', kind: 'parking' }, location: { name: '' } } }));
    expect(text).toContain('Type: Parking space\nWhen:');
    expect(text).not.toMatch(/Floor|Zone|Location/);
  });

  it('has a short subject with the space and date, never the recipient’s name', () => {
    expect(renderMessage(message('booking.confirmed')).subject).toBe('Booking confirmed: Desk 4.12, Tue 8 Dec');
    expect(renderMessage(message('booking.released', 'de')).subject).toBe('Buchung freigegeben: Desk 4.12, Di., 8. Dez.');
    expect(renderMessage(message('booking.reminder', 'nb')).subject).toBe('Påminnelse: Desk 4.12, tir. 8. des. kl. 09:00');
    for (const locale of LOCALES) {
      for (const input of variants(locale)) expect(renderMessage(input).subject).not.toContain('Kari');
    }
  });

  it('says who cancelled it', () => {
    const intro = (cancelledBy?: 'self' | 'admin') => renderMessage(message('booking.cancelled', 'en', { booking: { ...booking, ...(cancelledBy ? { cancelledBy } : {}) } })).text;
    expect(intro('self')).toContain('cancelled as you asked');
    expect(intro('admin')).toContain('An administrator has cancelled');
    expect(intro()).toContain('Your booking has been cancelled.');
  });

  it('reminds in the locale’s words how soon the booking starts, and offers the check-in', () => {
    expect(renderMessage(message('booking.reminder')).text).toContain('Your booking starts in 15 minutes, at 09:00.');
    expect(renderMessage(message('booking.reminder', 'de', { booking: { ...booking, reminderMinutes: 120 } })).text).toContain('Ihre Buchung beginnt in 2 Stunden, um 09:00 Uhr.');
    expect(renderMessage(message('booking.reminder', 'sv', { booking: { ...booking, reminderMinutes: 0 } })).text).toContain('Din bokning börjar kl. 09:00.');
    expect(renderMessage(message('booking.reminder')).text).toContain(`Check in: ${booking.checkInUrl}`);
  });

  it('is the same for the same input', () => {
    expect(renderMessage(message('booking.cancelled', 'da'))).toEqual(renderMessage(message('booking.cancelled', 'da')));
  });

  it('refuses a kind without its facts and a link that is not a web address', () => {
    expect(() => renderMessage(message('booking.confirmed', 'en', { booking: undefined }))).toThrow('booking.confirmed needs');
    expect(() => renderMessage(message('user.invited', 'en', { invitation: undefined }))).toThrow('user.invited needs');
    expect(() => renderMessage(message('booking.reminder', 'en', { booking: { ...booking, checkInUrl: 'javascript:alert(1)' } }))).toThrow('not a web link');
  });
});

describe('an invitation', () => {
  it('carries the set-password link and its expiry, and no calendar', () => {
    const rendered = renderMessage(message('user.invited', 'de'));
    expect(rendered.subject).toBe('Ihre Einladung von Acme');
    expect(rendered.text).toContain(`Passwort festlegen: ${invitation.link}`);
    expect(rendered.text).toContain('Der Link ist gültig bis 10. Dezember 2026 um 11:30 (UTC).');
    // Handlebars writes "=" as a character reference, which the attribute decodes back.
    expect(rendered.html).toContain('href="https://plass.example.com/set-password#token&#x3D;abc%2Bdef"');
    expect(rendered.calendar).toBeUndefined();
  });
});

describe('the HTML part', () => {
  const hostile = message('booking.confirmed', 'en', {
    recipient: { name: 'Tom & <b>Jerry</b>', email: 'tom@example.test' },
    tenantName: 'R&D <Labs>',
    booking: { ...booking, space: { ...booking.space, name: '<script>alert(1)</script>', zone: '"North" wing' }, location: { name: 'Q&A <HQ>' } },
  });

  it('escapes space, location, tenant and recipient names, where the text part keeps them as they are', () => {
    const { html, text } = renderMessage(hostile);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Hello Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;,');
    expect(html).toContain('Q&amp;A &lt;HQ&gt;');
    expect(html).toContain('R&amp;D &lt;Labs&gt;');
    expect(html).toContain('&quot;North&quot; wing');
    expect(text).toContain('Hello Tom & <b>Jerry</b>,');
    expect(text).toContain('Space: <script>alert(1)</script>');
  });

  it('does not treat names as templates', () => {
    const { text } = renderMessage(message('booking.confirmed', 'en', { recipient: { name: '$t(common.footer) {{tenant}}', email: 'x@example.test' } }));
    expect(text).toContain('Hello $t(common.footer) {{tenant}},');
  });
});
