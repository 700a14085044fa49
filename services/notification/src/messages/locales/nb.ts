import type { Messages } from './en.js';

export const nb: Messages = {
  common: {
    greeting: 'Hei {{name}},',
    footer: 'Du får denne e-posten fordi du har en konto hos {{tenant}} i plass.',
    viewBooking: 'Se bookingen',
    checkIn: 'Sjekk inn',
    space: 'Plass',
    kind: 'Type',
    floor: 'Etasje',
    zone: 'Sone',
    location: 'Sted',
    when: 'Når',
  },
  kinds: {
    desk: 'Arbeidsplass',
    room: 'Møterom',
    parking: 'Parkeringsplass',
  },
  confirmed: {
    subject: 'Booking bekreftet: {{space}}, {{date}}',
    intro: 'Bookingen din er bekreftet.',
    calendar: 'Med kalenderoppføringen i vedlegget legger du den inn i kalenderen din.',
  },
  cancelled: {
    subject: 'Booking avbestilt: {{space}}, {{date}}',
    intro: 'Bookingen din er avbestilt.',
    introSelf: 'Bookingen din er avbestilt slik du ba om.',
    introAdmin: 'En administrator har avbestilt bookingen din.',
  },
  released: {
    subject: 'Booking frigitt: {{space}}, {{date}}',
    intro: 'Bookingen din ble frigitt fordi du ikke sjekket inn i tide. Plassen er nå ledig for andre.',
  },
  reminder: {
    subject: 'Påminnelse: {{space}}, {{date}} kl. {{time}}',
    startsIn: 'Bookingen din starter {{relative}}, kl. {{time}}.',
    startsAt: 'Bookingen din starter kl. {{time}}.',
    checkIn: 'Sjekk inn når du kommer, ellers blir plassen frigitt for andre.',
  },
  invited: {
    subject: 'Invitasjon fra {{tenant}}',
    intro: '{{tenant}} har invitert deg til plass, der du booker arbeidsplasser, møterom og parkering.',
    action: 'Velg passord',
    expiry: 'Lenken er gyldig til {{expires}}.',
    ignore: 'Hvis du ikke ventet denne invitasjonen, kan du se bort fra denne e-posten.',
  },
};
