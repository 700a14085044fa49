import { z } from 'zod';
import { Uuid } from './envelope.js';
import { eventCatalog } from './events/index.js';
import { pii, piiFields, sealed } from './pii.js';

describe('pii()', () => {
  it('marks a copy, never the shared schema it was given', () => {
    const personal = pii(Uuid, { category: 'identifier', purpose: 'booking', description: 'who' });
    const schema = z.object({ spaceId: Uuid, bookedBy: personal, note: pii(z.string(), { category: 'free_text', purpose: 'booking', description: 'note' }).optional() });
    expect(piiFields(schema).map((field) => field.field)).toEqual(['bookedBy', 'note']);
  });

  it('finds exactly the personal fields of the booking events', () => {
    expect(piiFields(eventCatalog.BookingConfirmed.data).map((f) => [f.field, f.purpose])).toEqual([
      ['bookedBy', 'booking'],
      ['subject', 'booking'],
    ]);
    expect(piiFields(eventCatalog.SpaceCreated.data)).toEqual([]);
  });
});

describe('sealed()', () => {
  const stored = { $enc: 'A256GCM', kid: 'booking-key-1', iv: 'aXY', ct: 'Y2lwaGVydGV4dA' } as const;
  const booking = {
    bookingId: '0b5e7a38-4a0b-4c3e-9a4f-2f6d3b1c9e01',
    spaceId: '5d0c1f2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f',
    kind: 'desk',
    start: '2030-01-07T09:00:00Z',
    end: '2030-01-07T17:00:00Z',
  };

  it('reads every personal field as its ciphertext, behind the same optional wrapper', () => {
    const schema = sealed(eventCatalog.BookingConfirmed.data);
    expect(schema.safeParse({ ...booking, bookedBy: stored, subject: stored }).success).toBe(true);
    expect(schema.safeParse({ ...booking, bookedBy: stored }).success).toBe(true);
    expect(schema.safeParse({ ...booking, bookedBy: '6f1e2d3c-4b5a-4968-8776-655443322110' }).success).toBe(false);
  });

  it('keeps the other fields as they are', () => {
    const schema = sealed(eventCatalog.BookingConfirmed.data);
    expect(schema.safeParse({ ...booking, kind: 'sofa', bookedBy: stored }).success).toBe(false);
    expect(sealed(eventCatalog.SpaceCreated.data).shape).toEqual(eventCatalog.SpaceCreated.data.shape);
  });
});
