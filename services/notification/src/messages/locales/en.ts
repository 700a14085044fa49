export const en = {
  common: {
    greeting: 'Hello {{name}},',
    footer: '{{tenant}} sent you this mail through plass.',
    open: 'Open in plass',
    space: 'Space',
    kind: 'Type',
    floor: 'Floor',
    zone: 'Zone',
    location: 'Location',
    when: 'When',
    kinds: { desk: 'Desk', room: 'Meeting room', parking: 'Parking spot' },
  },
  'booking.confirmed': {
    subject: 'Booked: {{space}}, {{date}}',
    intro: 'Your booking is confirmed. The attached invitation adds it to your calendar.',
  },
  'booking.cancelled': {
    subject: 'Cancelled: {{space}}, {{date}}',
    intro: 'Your booking has been cancelled. The attached update removes it from your calendar.',
  },
  'booking.released': {
    subject: 'Released: {{space}}, {{date}}',
    intro: 'Nobody checked in, so your booking was released for others.',
  },
  'booking.reminder': {
    subject: 'Reminder: {{space}} at {{time}}',
    intro: 'Your booking starts in {{minutes}} minutes. Check in when you arrive, or it will be released for others.',
  },
  'user.invited': {
    subject: 'Welcome to {{tenant}} on plass',
    intro: 'An account has been created for you. Choose a password to start booking desks, rooms and parking.',
    action: 'Set your password',
    expiry: 'The link works once and expires on {{expires}}.',
  },
};

export type Messages = typeof en;
