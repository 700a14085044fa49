export { startBookingService, type BookingService, type BookingServiceConfig } from './booking-service.js';
export { PlacesApp } from './places-app.js';
export { BookingsApp } from './bookings/bookings-app.js';
export { bookingKeyPeriod } from '@plass/contracts';
export { writeHistory, type HistoryFigures, type HistoryOptions } from './history.js';
