import { z } from 'zod';
import { Uuid } from './envelope.js';
import { eventCatalog } from './events/index.js';
import { pii, piiFields } from './pii.js';

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
