export { startBookingService, type BookingService, type BookingServiceConfig } from './booking-service.js';
export { BookingApp } from './booking-app.js';
export { bookingKeyPeriod } from './bookings/key-period.js';
