const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Booking keys are per subject and UTC day of the booking's end (ADR 0009): retention destroys a
 * day's keys once the day is N days in the past, so a booking is anonymized within one run of the
 * job after its deadline. The end is exclusive: a booking ending at midnight belongs to the day before.
 */
export function bookingKeyPeriod(end: string): string {
  return utcDay(Date.parse(end) - 1);
}

/**
 * The oldest booking key period retention keeps at `now`: every day before it is over and at least
 * `days` full days in the past. Periods are `YYYY-MM-DD`, so text order is time order.
 */
export function retentionCutoff(now: Date, days: number): string {
  return utcDay(now.getTime() - days * DAY_MS);
}
