import type { Locale } from '@plass/contracts';
import type { BookingFacts, MailKind, MessageInput } from './render.js';

export const booking: BookingFacts = {
  bookingId: '5b7f1e3c-6a2d-4f1e-9c3b-2a1d0e9f8c7b',
  start: '2026-12-08T08:00:00.000Z',
  end: '2026-12-08T16:00:00.000Z',
  timeZone: 'Europe/Oslo',
  space: { name: 'Desk 4.12', kind: 'desk', floor: '4', zone: 'North' },
  location: { name: 'Oslo HQ' },
  reminderMinutes: 15,
  checkInUrl: 'https://plass.example.com/check-in/5b7f1e3c',
};

export const invitation = { link: 'https://plass.example.com/set-password#token=abc%2Bdef', expiresAt: '2026-12-10T11:30:00.000Z' };

export function message(kind: MailKind, locale: Locale = 'en', overrides: Partial<MessageInput> = {}): MessageInput {
  return {
    kind,
    locale,
    recipient: { name: 'Kari Nordmann', email: 'kari@example.test' },
    sender: { name: 'Acme Desks', address: 'no-reply@plass.example.com' },
    tenantName: 'Acme',
    baseUrl: 'https://plass.example.com',
    now: '2026-12-01T10:00:00.000Z',
    ...(kind === 'user.invited' ? { invitation } : { booking }),
    ...overrides,
  };
}
