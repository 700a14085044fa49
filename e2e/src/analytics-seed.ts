import { join } from 'node:path';
import { BookingConfirmed } from '@plass/contracts';
import { seededEvents, type SeededMonth } from '@plass/analytics';
import { Bus } from '@plass/bus';
import { openSqliteEventStore, toNewEvent } from '@plass/eventstore';
import { NatsKeyClient, Shredder } from '@plass/shredder';

/** Booking keys are per person and UTC day of the booking's end (ADR 0009). */
const keyPeriod = (end: number) => new Date(end - 1).toISOString().slice(0, 10);

/**
 * Writes a seeded month into booking's own event store, as booking would have: places first, each
 * booker sealed under their booking key of the day. Booking's relay publishes the events, so
 * booking's read model and analytics receive them the way they receive any.
 */
export async function seedBookingStore(dataDir: string, natsUrl: string, month: SeededMonth): Promise<number> {
  const bus = await Bus.connect({ servers: natsUrl, name: 'analytics-seed' });
  const shredder = new Shredder(new NatsKeyClient({ request: (...args) => bus.request(...args), onBroadcast: () => undefined }));
  const store = openSqliteEventStore({ file: join(dataDir, 'booking', 'events.db') });
  try {
    const sealed = new Map<string, unknown>();
    for (const booking of month.bookings) {
      const data = {
        bookingId: booking.bookingId,
        spaceId: booking.spaceId,
        kind: 'desk' as const,
        start: new Date(booking.start).toISOString(),
        end: new Date(booking.end).toISOString(),
        bookedBy: booking.bookedBy,
      };
      const aad = `space-${month.tenantId}-${booking.spaceId}`;
      sealed.set(
        booking.bookingId,
        (await shredder.encrypt(BookingConfirmed.data, data, { tenantId: month.tenantId, subjectId: booking.bookedBy, period: keyPeriod(booking.end), aad })).bookedBy,
      );
    }
    const events = seededEvents(month, (booking) => sealed.get(booking.bookingId), {
      location: (id) => `location-${month.tenantId}-${id}`,
      space: (id) => `space-${month.tenantId}-${id}`,
    });
    const byStream = new Map<string, typeof events>();
    for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    for (const [streamId, stream] of byStream) {
      for (let i = 0; i < stream.length; i += 500) await store.appendToStream(streamId, stream.slice(i, i + 500).map(toNewEvent));
    }
    return events.length;
  } finally {
    await store.close();
    await bus.close();
  }
}
