/**
 * Booking keys are per subject and ISO week of the booking's start (UTC): retention can then
 * destroy whole weeks of a person's bookings without touching newer ones.
 */
export function bookingKeyPeriod(start: string): string {
  const date = new Date(start);
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
