export { bookingCalendar, calendarUid, type CalendarEntry } from './calendar.js';
export { formatRange, INTL_LOCALES } from './format.js';
export { LOCALES } from './i18n.js';
export { messages, type Messages } from './locales/index.js';
export { MAIL_KINDS, renderMessage, type BookingFacts, type MailKind, type MessageInput, type RenderedMessage } from './render.js';
