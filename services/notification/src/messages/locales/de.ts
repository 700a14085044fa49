import type { Messages } from './en.js';

export const de: Messages = {
  common: {
    greeting: 'Hallo {{name}},',
    footer: '{{tenant}} hat Ihnen diese E-Mail über plass gesendet.',
    open: 'In plass öffnen',
    space: 'Platz',
    kind: 'Art',
    floor: 'Etage',
    zone: 'Bereich',
    location: 'Standort',
    when: 'Wann',
    kinds: { desk: 'Schreibtisch', room: 'Besprechungsraum', parking: 'Parkplatz' },
  },
  'booking.confirmed': {
    subject: 'Gebucht: {{space}}, {{date}}',
    intro: 'Ihre Buchung ist bestätigt. Die angehängte Einladung trägt sie in Ihren Kalender ein.',
  },
  'booking.cancelled': {
    subject: 'Storniert: {{space}}, {{date}}',
    intro: 'Ihre Buchung wurde storniert. Die angehängte Aktualisierung entfernt sie aus Ihrem Kalender.',
  },
  'booking.released': {
    subject: 'Freigegeben: {{space}}, {{date}}',
    intro: 'Niemand hat eingecheckt, daher wurde Ihre Buchung für andere freigegeben.',
  },
  'booking.reminder': {
    subject: 'Erinnerung: {{space}} um {{time}}',
    intro: 'Ihre Buchung beginnt in {{minutes}} Minuten. Checken Sie bei Ankunft ein, sonst wird sie für andere freigegeben.',
  },
  'user.invited': {
    subject: 'Willkommen bei {{tenant}} auf plass',
    intro: 'Für Sie wurde ein Konto angelegt. Wählen Sie ein Passwort, um Schreibtische, Besprechungsräume und Parkplätze zu buchen.',
    action: 'Passwort festlegen',
    expiry: 'Der Link funktioniert einmal und läuft am {{expires}} ab.',
  },
};
