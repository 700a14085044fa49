import type { Messages } from './en.js';

export const sv: Messages = {
  common: {
    greeting: 'Hej {{name}},',
    footer: 'Du får det här mejlet eftersom du har ett konto hos {{tenant}} i plass.',
    viewBooking: 'Visa bokningen',
    checkIn: 'Checka in',
    space: 'Plats',
    kind: 'Typ',
    floor: 'Våning',
    zone: 'Zon',
    location: 'Kontor',
    when: 'När',
  },
  kinds: {
    desk: 'Skrivbord',
    room: 'Mötesrum',
    parking: 'Parkeringsplats',
  },
  confirmed: {
    subject: 'Bokning bekräftad: {{space}}, {{date}}',
    intro: 'Din bokning är bekräftad.',
    calendar: 'Med den bifogade kalenderhändelsen lägger du in den i din kalender.',
  },
  cancelled: {
    subject: 'Bokning avbokad: {{space}}, {{date}}',
    intro: 'Din bokning har avbokats.',
    introSelf: 'Din bokning har avbokats enligt din begäran.',
    introAdmin: 'En administratör har avbokat din bokning.',
  },
  released: {
    subject: 'Bokning släppt: {{space}}, {{date}}',
    intro: 'Din bokning släpptes eftersom du inte checkade in i tid. Platsen är nu ledig för andra.',
  },
  reminder: {
    subject: 'Påminnelse: {{space}}, {{date}} kl. {{time}}',
    startsIn: 'Din bokning börjar {{relative}}, kl. {{time}}.',
    startsAt: 'Din bokning börjar kl. {{time}}.',
    checkIn: 'Checka in när du kommer, annars släpps platsen till andra.',
  },
  invited: {
    subject: 'Inbjudan från {{tenant}}',
    intro: '{{tenant}} har bjudit in dig till plass, där du bokar skrivbord, mötesrum och parkering.',
    action: 'Välj lösenord',
    expiry: 'Länken gäller till {{expires}}.',
    ignore: 'Om du inte väntade dig den här inbjudan kan du bortse från det här mejlet.',
  },
};
