export const en = {
  common: {
    greeting: 'Hello {{name}},',
    footer: 'You receive this email because you have an account with {{tenant}} on plass.',
    viewBooking: 'View booking',
    checkIn: 'Check in',
    space: 'Space',
    kind: 'Type',
    floor: 'Floor',
    zone: 'Zone',
    location: 'Location',
    when: 'When',
  },
  kinds: {
    desk: 'Desk',
    room: 'Meeting room',
    parking: 'Parking space',
  },
  confirmed: {
    subject: 'Booking confirmed: {{space}}, {{date}}',
    intro: 'Your booking is confirmed.',
    calendar: 'The attached calendar entry adds it to your calendar.',
  },
  cancelled: {
    subject: 'Booking cancelled: {{space}}, {{date}}',
    intro: 'Your booking has been cancelled.',
    introSelf: 'Your booking has been cancelled as you asked.',
    introAdmin: 'An administrator has cancelled your booking.',
  },
  released: {
    subject: 'Booking released: {{space}}, {{date}}',
    intro: 'Your booking was released because you did not check in in time. The space is free for others again.',
  },
  reminder: {
    subject: 'Reminder: {{space}}, {{date}} at {{time}}',
    startsIn: 'Your booking starts {{relative}}, at {{time}}.',
    startsAt: 'Your booking starts at {{time}}.',
    checkIn: 'Check in when you arrive, or the space will be released for others.',
  },
  invited: {
    subject: 'Your invitation to {{tenant}}',
    intro: '{{tenant}} has invited you to plass, where you book desks, meeting rooms and parking.',
    action: 'Set your password',
    expiry: 'The link is valid until {{expires}}.',
    ignore: 'If you did not expect this invitation, you can ignore this email.',
  },
} as const;

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Messages = Shape<typeof en>;

type Paths<T> = { [K in keyof T & string]: T[K] extends string ? K : `${K}.${Paths<T[K]>}` }[keyof T & string];
export type MessageKey = Paths<Messages>;
