import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { EventDataInvalid, type EncryptedValue, type EventEnvelope } from '@plass/contracts';
import { ProjectionRunner, type ProjectionDefinition } from './projection-runner.js';
import type { ProjectionStore, ProjectionTx } from './projection-store.js';

/** Enough of a store for the runner: documents in a map, applied ids in a set. */
function memoryStore(): ProjectionStore {
  const docs = new Map<string, object>();
  const applied = new Set<string>();
  const tx: ProjectionTx = {
    get: <T extends object>(collection: string, id: string) => docs.get(`${collection}/${id}`) as T | undefined,
    put: (collection, id, doc) => void docs.set(`${collection}/${id}`, doc),
    delete: (collection, id) => void docs.delete(`${collection}/${id}`),
  };
  return {
    apply: async (projection, eventId, fn) => {
      if (applied.has(`${projection}/${eventId}`)) return false;
      fn(tx);
      applied.add(`${projection}/${eventId}`);
      return true;
    },
    get: async (collection, id) => tx.get(collection, id),
    find: async () => [],
    reset: async () => docs.clear(),
    close: async () => undefined,
  };
}

const sealedBooker: EncryptedValue = { $enc: 'A256GCM', kid: 'booking-key-1', iv: 'aXY', ct: 'Y2lwaGVydGV4dA' };
const confirmed = (bookedBy: unknown): EventEnvelope => ({
  id: randomUUID(),
  type: 'BookingConfirmed',
  schemaVersion: 1,
  tenantId: randomUUID(),
  context: 'booking',
  streamId: 'booking-1',
  occurredAt: '2030-01-07T08:00:00.000Z',
  correlationId: randomUUID(),
  causationId: null,
  data: { bookingId: randomUUID(), spaceId: randomUUID(), kind: 'desk', start: '2030-01-07T09:00:00Z', end: '2030-01-07T17:00:00Z', bookedBy },
});

/** Keeps the key id a booking's booker is sealed under: its handler reads the data as typed, without a cast. */
const bookers: ProjectionDefinition = {
  name: 'bookers',
  collections: ['bookers'],
  handlers: {
    BookingConfirmed: (event, tx) => tx.put('bookers', event.data.bookingId, { kid: event.data.bookedBy.kid, kind: event.data.kind }),
  },
};

describe('ProjectionRunner handlers', () => {
  it('are keyed by the event types of the contracts: a misspelt one does not compile', () => {
    const misspelt: ProjectionDefinition = {
      name: 'misspelt',
      collections: [],
      handlers: {
        // @ts-expect-error BookingConfirmd is no event type
        BookingConfirmd: () => undefined,
      },
    };
    expect(Object.keys(misspelt.handlers)).toEqual(['BookingConfirmd']);
  });

  it('get their event with its data as stored, personal fields sealed', async () => {
    const store = memoryStore();
    const event = confirmed(sealedBooker);
    expect(await new ProjectionRunner({ definition: bookers, store }).handle(event)).toBe('applied');
    expect(await store.get('bookers', event.data.bookingId as string)).toEqual({ kid: 'booking-key-1', kind: 'desk' });
  });

  it('never see an event whose data does not match its schema: it is rejected, as a failing handler is', async () => {
    const store = memoryStore();
    const plaintext = confirmed(randomUUID());
    await expect(new ProjectionRunner({ definition: bookers, store }).handle(plaintext)).rejects.toThrow(EventDataInvalid);
    expect(await store.apply(bookers.name, plaintext.id, () => undefined)).toBe(true);
  });
});
