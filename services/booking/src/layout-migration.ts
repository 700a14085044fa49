import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@plass/contracts';
import { WrongExpectedRevisionError, type EventStore } from '@plass/eventstore';
import { toStored } from './app-support.js';
import { slotDays } from './rules/index.js';
import { LAYOUT_STREAM, scheduleStream } from './streams.js';

const PAGE = 5_000;
const SHOW_EVERY_MS = 2_000;

interface LegacyBooking {
  tenantId: string;
  spaceId: string;
  start: string;
  end: string;
  holds: boolean;
}

export interface LayoutMigration {
  /** Events of the store read to find the bookings of before ADR 0018. */
  events: number;
  /** Bookings that still held their space and had not ended: each now holds its slots per day. */
  bookings: number;
  slots: number;
}

/**
 * Moves a store written before ADR 0018 to its layout, before the service serves: every booking
 * that still holds its space and has not ended gets its slot in the schedule of each UTC day it
 * touches (the booking itself stays in its space's stream, where cancel, check-in and release
 * find it). Ledgers move person by person as they are first named (`Ledgers.ledgerOf`): only
 * the person's profile key names them. Idempotent: a day that has seen a booking (held or
 * freed) is left alone, so replicas starting together, or a run cut short, do no harm; the marker
 * written at the end makes later starts skip the scan. Answers undefined when there was nothing to do.
 */
export async function migrateToDayLayout(events: EventStore, now: () => Date, progress: (line: string) => void): Promise<LayoutMigration | undefined> {
  if ((await events.readStream(LAYOUT_STREAM, { maxCount: 1 })).length > 0) return undefined;
  const legacy = new Map<string, LegacyBooking>();
  let read = 0;
  let shownAt = Date.now();
  let from: bigint | undefined;
  for (;;) {
    const page = await events.readAll({ ...(from === undefined ? {} : { fromPosition: from }), maxCount: PAGE });
    if (page.length === 0) break;
    for (const event of page) {
      if (!event.streamId.startsWith('space-')) continue;
      const data = event.data as { bookingId?: string; spaceId?: string; start?: string; end?: string };
      if (event.type === 'BookingConfirmed' && data.bookingId && data.spaceId && data.start && data.end) {
        const tenantId = event.streamId.slice('space-'.length, -(data.spaceId.length + 1));
        legacy.set(data.bookingId, { tenantId, spaceId: data.spaceId, start: data.start, end: data.end, holds: true });
      } else if ((event.type === 'BookingCancelled' || event.type === 'BookingReleasedAsNoShow') && data.bookingId) {
        const booking = legacy.get(data.bookingId);
        if (booking) booking.holds = false;
      }
    }
    read += page.length;
    from = page.at(-1)!.position;
    if (Date.now() - shownAt > SHOW_EVERY_MS) {
      shownAt = Date.now();
      progress(`layout migration: ${read.toLocaleString('en')} events read, ${legacy.size.toLocaleString('en')} bookings found…`);
    }
  }
  const nowMs = now().getTime();
  const byDay = new Map<string, { tenantId: string; held: DomainEvent[] }>();
  let bookings = 0;
  for (const [bookingId, booking] of legacy) {
    if (!booking.holds || Date.parse(booking.end) <= nowMs) continue;
    bookings += 1;
    for (const day of slotDays(booking.start, booking.end)) {
      const streamId = scheduleStream(booking.tenantId, booking.spaceId, day);
      const entry = byDay.get(streamId) ?? { tenantId: booking.tenantId, held: [] };
      entry.held.push({ type: 'SlotHeld', data: { bookingId, spaceId: booking.spaceId, start: booking.start, end: booking.end } });
      byDay.set(streamId, entry);
    }
  }
  let slots = 0;
  let done = 0;
  for (const [streamId, { tenantId, held }] of byDay) {
    slots += await holdMissing(events, streamId, tenantId, held);
    done += 1;
    if (Date.now() - shownAt > SHOW_EVERY_MS) {
      shownAt = Date.now();
      progress(`layout migration: ${done.toLocaleString('en')} / ${byDay.size.toLocaleString('en')} schedule days written…`);
    }
  }
  const ctx = { tenantId: 'plass', roles: [], correlationId: randomUUID() };
  const marker: DomainEvent = { type: 'BookingLayoutMigrated', data: { layout: 2, spaces: new Set([...byDay.keys()].map((id) => id.slice(0, -11))).size, ledgers: 0 } };
  await events.appendToStream(LAYOUT_STREAM, toStored([marker], ctx, LAYOUT_STREAM, now()), { expectedRevision: 'any' });
  return { events: read, bookings, slots };
}

/** Appends the slots a day has never seen (neither held nor freed), expecting the day as read; read again when it moved. */
async function holdMissing(events: EventStore, streamId: string, tenantId: string, held: DomainEvent[]): Promise<number> {
  for (;;) {
    const day = await events.readStream(streamId);
    const seen = new Set(day.map((event) => (event.data as { bookingId?: string }).bookingId));
    const missing = held.filter((event) => !seen.has((event.data as { bookingId: string }).bookingId));
    if (missing.length === 0) return 0;
    const ctx = { tenantId, roles: [], correlationId: randomUUID() };
    try {
      await events.appendToStream(streamId, toStored(missing, ctx, streamId, new Date()), { expectedRevision: day.at(-1)?.revision ?? 'no_stream' });
      return missing.length;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}
