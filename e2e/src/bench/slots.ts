const HOUR = 3_600_000;

export interface BookingSlot {
  spaceId: string;
  start: string;
  end: string;
}

/**
 * The k-th one-hour slot, distinct for every k: space k mod n, at hour ⌊k / n⌋ after `from`.
 * Walking spaces first keeps each space's schedule short and every slot within a few days.
 */
export function slotAt(k: number, spaceIds: readonly string[], from: Date): BookingSlot {
  const spaceId = spaceIds[k % spaceIds.length]!;
  const startMs = from.getTime() + Math.floor(k / spaceIds.length) * HOUR;
  return { spaceId, start: new Date(startMs).toISOString(), end: new Date(startMs + HOUR).toISOString() };
}

/** Midnight UTC the day after tomorrow: every slot stays in the future for the whole run. */
export function firstSlotStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2));
}
