export { renderMessage, formatRange, INTL_LOCALES, type BookingFacts, type MessageInput, type RenderedMessage } from './render.js';
export { bookingCalendar, calendarUid, type CalendarEntry } from './calendar.js';
export { messages } from './locales/index.js';
