/**
 * Stream names of the booking service (ADR 0009, ADR 0018). Ledger and schedule streams are
 * private: never relayed nor projected. Ids are UUIDs; days and periods are UTC (`2030-03-10`, `2030-03`).
 */
export const locationStream = (tenantId: string, locationId: string) => `location-${tenantId}-${locationId}`;
/** The space itself; in stores from before ADR 0018 also every booking it ever had. */
export const spaceStream = (tenantId: string, spaceId: string) => `space-${tenantId}-${spaceId}`;
/** One booking's life: confirmed (its booker sealed), checked in, cancelled, released. */
export const bookingStream = (tenantId: string, bookingId: string) => `booking-${tenantId}-${bookingId}`;
/** The slots a space's bookings hold on one UTC day: what overlap is decided on. */
export const scheduleStream = (tenantId: string, spaceId: string, day: string) => `schedule-${tenantId}-${spaceId}-${day}`;
export const policyStream = (tenantId: string) => `policy-${tenantId}`;
/** A person's ledger, named by their pseudonym: in stores from before ADR 0018 every entry, now none. */
export const ledgerStream = (tenantId: string, pseudonym: string) => `ledger-${tenantId}-${pseudonym}`;
/** The entries of a person's bookings that start in one UTC month. */
export const ledgerPeriodStream = (ledger: string, period: string) => `${ledger}-${period}`;
/** Which of a person's periods exist (`LedgerPeriodOpened`), for erasure and export. */
export const ledgerIndexStream = (ledger: string) => `${ledger}-periods`;
export const occupancyStream = (tenantId: string, locationId: string, day: string) => `occupancy-${tenantId}-${locationId}-${day}`;
/** Written once a store's bookings are in the layout of ADR 0018 (`BookingLayoutMigrated`). */
export const LAYOUT_STREAM = 'schedule-layout';

/** A ledger period: the UTC month of a booking's start. */
export const ledgerPeriodOf = (start: string): string => new Date(Date.parse(start)).toISOString().slice(0, 7);

/** Every period from the one of `fromMs` to the one of `toMs`, both included. */
export function ledgerPeriodsBetween(fromMs: number, toMs: number): string[] {
  const periods: string[] = [];
  if (toMs < fromMs) return periods;
  const from = new Date(fromMs);
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth();
  while (Date.UTC(year, month) <= toMs) {
    periods.push(`${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}`);
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return periods;
}
