import type { Messages } from './en.js';

export const nb: Messages = {
  common: {
    greeting: 'Hei {{name}},',
    footer: '{{tenant}} sendte deg denne e-posten gjennom plass.',
    open: 'Åpne i plass',
    space: 'Plass',
    kind: 'Type',
    floor: 'Etasje',
    zone: 'Sone',
    location: 'Lokasjon',
    when: 'Når',
    kinds: { desk: 'Skrivebord', room: 'Møterom', parking: 'Parkeringsplass' },
  },
  'booking.confirmed': {
    subject: 'Booket: {{space}}, {{date}}',
    intro: 'Bookingen din er bekreftet. Den vedlagte invitasjonen legger den inn i kalenderen din.',
  },
  'booking.cancelled': {
    subject: 'Avlyst: {{space}}, {{date}}',
    intro: 'Bookingen din er avlyst. Den vedlagte oppdateringen fjerner den fra kalenderen din.',
  },
  'booking.released': {
    subject: 'Frigitt: {{space}}, {{date}}',
    intro: 'Ingen sjekket inn, så bookingen din ble frigitt for andre.',
  },
  'booking.reminder': {
    subject: 'Påminnelse: {{space}} kl. {{time}}',
    intro: 'Bookingen din starter om {{minutes}} minutter. Sjekk inn når du kommer, ellers blir den frigitt for andre.',
  },
  'user.invited': {
    subject: 'Velkommen til {{tenant}} på plass',
    intro: 'Det er opprettet en konto for deg. Velg et passord for å begynne å booke skrivebord, møterom og parkering.',
    action: 'Velg passord',
    expiry: 'Lenken kan brukes én gang og utløper {{expires}}.',
  },
};
