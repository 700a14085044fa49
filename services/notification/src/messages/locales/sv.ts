import type { Messages } from './en.js';

export const sv: Messages = {
  common: {
    greeting: 'Hej {{name}},',
    footer: '{{tenant}} skickade det här mejlet till dig via plass.',
    open: 'Öppna i plass',
    space: 'Plats',
    kind: 'Typ',
    floor: 'Våning',
    zone: 'Zon',
    location: 'Kontor',
    when: 'När',
    kinds: { desk: 'Skrivbord', room: 'Mötesrum', parking: 'Parkeringsplats' },
  },
  'booking.confirmed': {
    subject: 'Bokat: {{space}}, {{date}}',
    intro: 'Din bokning är bekräftad. Den bifogade inbjudan lägger till den i din kalender.',
  },
  'booking.cancelled': {
    subject: 'Avbokat: {{space}}, {{date}}',
    intro: 'Din bokning har avbokats. Den bifogade uppdateringen tar bort den från din kalender.',
  },
  'booking.released': {
    subject: 'Frisläppt: {{space}}, {{date}}',
    intro: 'Ingen checkade in, så din bokning släpptes till andra.',
  },
  'booking.reminder': {
    subject: 'Påminnelse: {{space}} kl. {{time}}',
    intro: 'Din bokning börjar om {{minutes}} minuter. Checka in när du kommer, annars släpps den till andra.',
  },
  'user.invited': {
    subject: 'Välkommen till {{tenant}} på plass',
    intro: 'Ett konto har skapats åt dig. Välj ett lösenord för att börja boka skrivbord, mötesrum och parkering.',
    action: 'Välj lösenord',
    expiry: 'Länken fungerar en gång och går ut {{expires}}.',
  },
};
