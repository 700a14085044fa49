import type { RecordedEvent } from '@plass/eventstore';
import { scheduleEvolver } from './cached-schedule.js';
import { evolveSchedule, initialSchedule, type Schedule } from './rules/index.js';
import { confirmed, deskCreated, ids } from './rules/test-fixtures.js';

const streamId = `space-${ids.space}`;
/** A BookingConfirmed as stored: its booker sealed (ciphertext `ct`). */
const sealedConfirmation = (bookingId: string, start: string, end: string, ct: string) => {
  const event = confirmed(bookingId, start, end);
  return { ...event, data: { ...event.data, bookedBy: { $enc: 'A256GCM', kid: 'booking-key-1', iv: 'AAAAAAAAAAAAAAAA', ct } } };
};

/** Events as the store records them: the booker sealed, each at its revision. */
function recorded(events: Array<{ type: string; data: unknown }>): RecordedEvent[] {
  return events.map((event, revision) => ({ id: `e${revision}`, ...event, streamId, revision, position: BigInt(revision + 1), metadata: {}, recordedAt: new Date(0) }));
}

const first = '88888888-8888-4888-8888-888888888881';
const second = '88888888-8888-4888-8888-888888888882';
const stored = recorded([
  deskCreated(),
  sealedConfirmation(first, '2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z', 'c2VhbGVkLWJvb2tlci0x'),
  sealedConfirmation(second, '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z', 'c2VhbGVkLWJvb2tlci0y'),
  { type: 'BookingCheckedIn', data: { bookingId: first } },
]);
const fold = (events: RecordedEvent[]): Schedule => events.reduce(scheduleEvolver.evolve, scheduleEvolver.initial);

describe('the schedule as booking caches it', () => {
  it('keeps no booker, only where each booking’s confirmation is in the stream', () => {
    const state = fold(stored);

    expect(state.bookings.get(first)).toEqual({
      id: first,
      spaceId: ids.space,
      status: 'checked_in',
      start: '2026-03-02T08:00:00.000Z',
      end: '2026-03-02T09:00:00.000Z',
      bookedBy: '',
      confirmedAt: 1,
    });
    expect(state.bookings.get(second)).toMatchObject({ status: 'confirmed', bookedBy: '', confirmedAt: 2 });
    expect(JSON.stringify(state)).not.toMatch(/A256GCM|c2VhbGVk|booking-key-1/);
  });

  it('decides as the fold of the deciders does, apart from the bookers', () => {
    const plain = stored.reduce((state, event) => evolveSchedule(state, { type: event.type, data: event.data } as never), initialSchedule);
    const cached = fold(stored);

    expect(cached.space).toEqual(plain.space);
    expect(cached.bookings.values().map(({ bookedBy: _b, confirmedAt: _c, ...rest }) => rest)).toEqual(plain.bookings.values().map(({ bookedBy: _b, ...rest }) => rest));
    expect(plain.bookings.values().every((booking) => booking.confirmedAt === undefined)).toBe(true);
  });

  it('is weighed by its bookings', () => {
    expect(scheduleEvolver.weigh?.(fold(stored))).toBe(3);
  });
});
