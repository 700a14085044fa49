import type { EncryptedValue, EventEnvelope, SpaceKind } from '@plass/contracts';
import type { ProjectionDefinition } from '@plass/projections';

/** A booking as the read model keeps it: personal fields still sealed, decrypted at query time. */
export interface BookingDocument {
  id: string;
  tenantId: string;
  streamId: string;
  spaceId: string;
  kind: SpaceKind;
  start: string;
  end: string;
  status: 'confirmed';
  bookedBy: EncryptedValue;
  subject?: EncryptedValue;
}

export const BOOKINGS = 'bookings';

export const bookingsReadModel: ProjectionDefinition = {
  name: 'booking_read_model',
  collections: [BOOKINGS],
  handlers: {
    BookingConfirmed: (event: EventEnvelope, tx) => {
      const data = event.data as Omit<BookingDocument, 'id' | 'tenantId' | 'streamId' | 'status'> & { bookingId: string };
      const { bookingId, ...rest } = data;
      tx.put(BOOKINGS, bookingId, { ...rest, id: bookingId, tenantId: event.tenantId, streamId: event.streamId, status: 'confirmed' });
    },
  },
};
