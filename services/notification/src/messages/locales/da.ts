import type { Messages } from './en.js';

export const da: Messages = {
  common: {
    greeting: 'Hej {{name}},',
    footer: 'Du modtager denne e-mail, fordi du har en konto hos {{tenant}} i plass.',
    viewBooking: 'Se bookingen',
    checkIn: 'Tjek ind',
    space: 'Plads',
    kind: 'Type',
    floor: 'Etage',
    zone: 'Zone',
    location: 'Sted',
    when: 'Hvornår',
  },
  kinds: {
    desk: 'Arbejdsplads',
    room: 'Mødelokale',
    parking: 'Parkeringsplads',
  },
  confirmed: {
    subject: 'Booking bekræftet: {{space}}, {{date}}',
    intro: 'Din booking er bekræftet.',
    calendar: 'Med den vedhæftede kalenderaftale tilføjer du den til din kalender.',
  },
  cancelled: {
    subject: 'Booking annulleret: {{space}}, {{date}}',
    intro: 'Din booking er annulleret.',
    introSelf: 'Din booking er annulleret, som du bad om.',
    introAdmin: 'En administrator har annulleret din booking.',
  },
  released: {
    subject: 'Booking frigivet: {{space}}, {{date}}',
    intro: 'Din booking blev frigivet, fordi du ikke tjekkede ind i tide. Pladsen er nu ledig for andre.',
  },
  reminder: {
    subject: 'Påmindelse: {{space}}, {{date}} kl. {{time}}',
    startsIn: 'Din booking starter {{relative}}, kl. {{time}}.',
    startsAt: 'Din booking starter kl. {{time}}.',
    checkIn: 'Tjek ind, når du ankommer, ellers bliver pladsen frigivet til andre.',
  },
  invited: {
    subject: 'Invitation fra {{tenant}}',
    intro: '{{tenant}} har inviteret dig til plass, hvor du booker arbejdspladser, mødelokaler og parkering.',
    action: 'Vælg adgangskode',
    expiry: 'Linket er gyldigt indtil {{expires}}.',
    ignore: 'Hvis du ikke forventede denne invitation, kan du se bort fra denne e-mail.',
  },
};
