import type { Messages } from './en.js';

export const da: Messages = {
  common: {
    greeting: 'Hej {{name}},',
    footer: '{{tenant}} har sendt dig denne e-mail gennem plass.',
    open: 'Åbn i plass',
    space: 'Plads',
    kind: 'Type',
    floor: 'Etage',
    zone: 'Zone',
    location: 'Lokation',
    when: 'Hvornår',
    kinds: { desk: 'Skrivebord', room: 'Mødelokale', parking: 'Parkeringsplads' },
  },
  'booking.confirmed': {
    subject: 'Booket: {{space}}, {{date}}',
    intro: 'Din booking er bekræftet. Den vedhæftede invitation tilføjer den til din kalender.',
  },
  'booking.cancelled': {
    subject: 'Aflyst: {{space}}, {{date}}',
    intro: 'Din booking er aflyst. Den vedhæftede opdatering fjerner den fra din kalender.',
  },
  'booking.released': {
    subject: 'Frigivet: {{space}}, {{date}}',
    intro: 'Ingen tjekkede ind, så din booking blev frigivet til andre.',
  },
  'booking.reminder': {
    subject: 'Påmindelse: {{space}} kl. {{time}}',
    intro: 'Din booking starter om {{minutes}} minutter. Tjek ind, når du ankommer, ellers bliver den frigivet til andre.',
  },
  'user.invited': {
    subject: 'Velkommen til {{tenant}} på plass',
    intro: 'Der er oprettet en konto til dig. Vælg en adgangskode for at begynde at booke skriveborde, mødelokaler og parkering.',
    action: 'Vælg adgangskode',
    expiry: 'Linket kan bruges én gang og udløber {{expires}}.',
  },
};
