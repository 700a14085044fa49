import type { Messages } from './en.js';

export const de: Messages = {
  common: {
    greeting: 'Hallo {{name}},',
    footer: 'Sie erhalten diese E-Mail, weil Sie bei {{tenant}} ein Konto in plass haben.',
    viewBooking: 'Buchung ansehen',
    checkIn: 'Einchecken',
    space: 'Platz',
    kind: 'Art',
    floor: 'Etage',
    zone: 'Bereich',
    location: 'Standort',
    when: 'Wann',
  },
  kinds: {
    desk: 'Arbeitsplatz',
    room: 'Besprechungsraum',
    parking: 'Parkplatz',
  },
  confirmed: {
    subject: 'Buchung bestätigt: {{space}}, {{date}}',
    intro: 'Ihre Buchung ist bestätigt.',
    calendar: 'Mit dem angehängten Kalendereintrag übernehmen Sie sie in Ihren Kalender.',
  },
  cancelled: {
    subject: 'Buchung storniert: {{space}}, {{date}}',
    intro: 'Ihre Buchung wurde storniert.',
    introSelf: 'Ihre Buchung wurde wie gewünscht storniert.',
    introAdmin: 'Ein Administrator hat Ihre Buchung storniert.',
  },
  released: {
    subject: 'Buchung freigegeben: {{space}}, {{date}}',
    intro: 'Ihre Buchung wurde freigegeben, weil Sie nicht rechtzeitig eingecheckt haben. Der Platz ist jetzt wieder für andere frei.',
  },
  reminder: {
    subject: 'Erinnerung: {{space}}, {{date}}, {{time}} Uhr',
    startsIn: 'Ihre Buchung beginnt {{relative}}, um {{time}} Uhr.',
    startsAt: 'Ihre Buchung beginnt um {{time}} Uhr.',
    checkIn: 'Checken Sie bei Ihrer Ankunft ein, sonst wird der Platz für andere freigegeben.',
  },
  invited: {
    subject: 'Ihre Einladung von {{tenant}}',
    intro: '{{tenant}} hat Sie zu plass eingeladen, wo Sie Arbeitsplätze, Besprechungsräume und Parkplätze buchen.',
    action: 'Passwort festlegen',
    expiry: 'Der Link ist gültig bis {{expires}}.',
    ignore: 'Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.',
  },
};
