import { expect } from '@jest/globals';
import type { DomainEvent, Recurrence } from '@plass/contracts';
import { admin, confirmed, deskCreated, employee, ids, inputsOf, ledgerAdded, nextId, osloOffice, type GivenStreams } from '../rules/test-fixtures.js';
import { decideSeries, type BookSeries } from './decide-series.js';
import { expandRecurrence } from './recurrence.js';

/** Monday 2026-03-02, 08:00 in Oslo. */
const now = '2026-03-02T07:00:00.000Z';
const seriesId = '99999999-9999-4999-8999-999999999999';
const office: GivenStreams = { schedule: [deskCreated()], location: [osloOffice()] };
const policy = (data: Extract<DomainEvent, { type: 'BookingPolicyChanged' }>['data']): DomainEvent[] => [{ type: 'BookingPolicyChanged', data }];

/** 09:00–10:00 Oslo from Tuesday 2026-03-03, as the recurrence expands it. */
function series(recurrence: Recurrence, overrides: Partial<BookSeries> = {}): BookSeries {
  const expanded = expandRecurrence({ start: '2026-03-03T09:00:00+01:00', end: '2026-03-03T10:00:00+01:00', recurrence, zone: 'Europe/Oslo' });
  if (!expanded.ok) throw new Error(expanded.error.message);
  return {
    seriesId,
    spaceId: ids.space,
    bookedBy: ids.booker,
    recurrence,
    occurrences: expanded.occurrences.map((occurrence) => ({ ...occurrence, bookingId: nextId() })),
    partial: false,
    now,
    actor: employee,
    ...overrides,
  };
}
const threeDays: Recurrence = { frequency: 'daily', byWeekday: [1, 2, 3, 4, 5], count: 3 };
/** Taken by a colleague: Wednesday 09:30–10:30 Oslo, the second occurrence. */
const wednesdayTaken = confirmed(nextId(), '2026-03-04T08:30:00.000Z', '2026-03-04T09:30:00.000Z');
const statuses = (outcome: ReturnType<typeof decideSeries>) =>
  outcome.ok
    ? outcome.events.outcomes.map((o) => (o.status === 'refused' ? o.code : o.status))
    : ((outcome.error.details?.occurrences as Array<{ status: string; code?: string }> | undefined)?.map((o) => o.code ?? o.status) ?? outcome.error.code);

describe('BookSeries', () => {
  it('books every occurrence, each written as a booking whose ledger entry names the series, and the series', () => {
    const command = series(threeDays);
    const outcome = decideSeries(command, inputsOf(office));
    expect(statuses(outcome)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    if (!outcome.ok) throw new Error('refused');
    const [first] = outcome.events.confirmed;
    expect(first!.writes.schedule).toMatchObject([
      { type: 'BookingConfirmed', data: { bookingId: command.occurrences[0]!.bookingId, start: '2026-03-03T08:00:00.000Z', bookedBy: ids.booker } },
    ]);
    expect(first!.writes.ledger).toMatchObject([{ type: 'LedgerBookingAdded', data: { bookingId: command.occurrences[0]!.bookingId, seriesId } }]);
    expect(first!.writes.occupancy.days).toEqual(['2026-03-03']);
    expect(outcome.events.created).toEqual({
      type: 'BookingSeriesCreated',
      data: { seriesId, spaceId: ids.space, recurrence: threeDays, occurrences: command.occurrences, refused: [] },
    });
  });

  describe('all or nothing, or partial', () => {
    it('refuses the whole series when one occurrence conflicts with an existing booking, listing each occurrence', () => {
      const outcome = decideSeries(series(threeDays), inputsOf({ ...office, schedule: [deskCreated(), wednesdayTaken] }));
      expect(outcome).toMatchObject({ ok: false, error: { code: 'booking.series_refused' } });
      expect(statuses(outcome)).toEqual(['bookable', 'booking.conflict', 'bookable']);
    });

    it('books the occurrences that fit when partial', () => {
      const command = series(threeDays, { partial: true });
      const outcome = decideSeries(command, inputsOf({ ...office, schedule: [deskCreated(), wednesdayTaken] }));
      expect(statuses(outcome)).toEqual(['confirmed', 'booking.conflict', 'confirmed']);
      expect(outcome.ok && outcome.events.confirmed.map((o) => o.bookingId)).toEqual([command.occurrences[0]!.bookingId, command.occurrences[2]!.bookingId]);
      expect(outcome.ok && outcome.events.created.type === 'BookingSeriesCreated' && outcome.events.created.data.refused).toEqual([
        { start: '2026-03-04T08:00:00.000Z', end: '2026-03-04T09:00:00.000Z', code: 'booking.conflict' },
      ]);
    });

    it('refuses a partial series none of whose occurrences fits', () => {
      const outcome = decideSeries(
        series({ frequency: 'daily', count: 1 }, { partial: true }),
        inputsOf({ ...office, schedule: [deskCreated(), confirmed(nextId(), '2026-03-03T08:00:00.000Z', '2026-03-03T09:00:00.000Z')] }),
      );
      expect(outcome).toMatchObject({ ok: false, error: { code: 'booking.series_refused' } });
    });

    it('answers a refusal every occurrence shares about the space as itself', () => {
      const disabled: DomainEvent = { type: 'SpaceDisabled', data: { spaceId: ids.space } };
      expect(decideSeries(series(threeDays), inputsOf({ ...office, schedule: [deskCreated(), disabled] }))).toMatchObject({ ok: false, error: { code: 'booking.space_disabled' } });
      expect(decideSeries(series(threeDays), inputsOf({ location: office.location }))).toMatchObject({ ok: false, error: { code: 'space.not_found' } });
    });

    it('refuses the occurrences on days the location is closed', () => {
      expect(statuses(decideSeries(series({ frequency: 'daily', count: 6 }, { partial: true }), inputsOf(office)))).toEqual([
        'confirmed',
        'confirmed',
        'confirmed',
        'confirmed',
        'booking.weekday_not_bookable',
        'booking.weekday_not_bookable',
      ]);
    });
  });

  describe('every rule for every occurrence', () => {
    it('bounds the series by the days a booking may be made in advance', () => {
      const outcome = decideSeries(
        series({ frequency: 'daily', byWeekday: [1, 2, 3, 4, 5], count: 10 }, { partial: true }),
        inputsOf({ ...office, policy: policy({ maxDaysInAdvance: 7 }) }),
      );
      // Up to Monday 2026-03-09 08:00 Oslo: the Monday's occurrence starts an hour too late.
      expect(statuses(outcome)).toEqual([...Array<string>(4).fill('confirmed'), ...Array<string>(6).fill('booking.too_far_in_advance')]);
    });

    it('counts the earlier occurrences of the series against the upcoming limit', () => {
      const earlier = ledgerAdded(nextId(), '2026-03-10T08:00:00.000Z', '2026-03-10T09:00:00.000Z');
      const outcome = decideSeries(series(threeDays, { partial: true }), inputsOf({ ...office, ledger: [earlier], policy: policy({ maxUpcomingBookingsPerUser: 3 }) }));
      expect(statuses(outcome)).toEqual(['confirmed', 'confirmed', 'booking.too_many_upcoming']);
      expect(statuses(decideSeries(series(threeDays), inputsOf({ ...office, ledger: [earlier], policy: policy({ maxUpcomingBookingsPerUser: 3 }) })))).toEqual([
        'bookable',
        'bookable',
        'booking.too_many_upcoming',
      ]);
    });

    it('sees the slots of the earlier occurrences: occurrences that overlap each other conflict', () => {
      const command: BookSeries = {
        ...series({ frequency: 'daily', count: 1 }, { partial: true }),
        occurrences: [
          { bookingId: nextId(), start: '2026-03-03T08:00:00.000Z', end: '2026-03-04T09:00:00.000Z' },
          { bookingId: nextId(), start: '2026-03-04T08:00:00.000Z', end: '2026-03-04T09:00:00.000Z' },
        ],
        actor: admin,
      };
      expect(statuses(decideSeries(command, inputsOf(office)))).toEqual(['confirmed', 'booking.conflict']);
    });

    it('counts the earlier occurrences against the location’s capacity', () => {
      const other = (spaceId: string): DomainEvent => ({
        type: 'OccupancyAdded',
        data: { bookingId: nextId(), spaceId, start: '2026-03-04T08:00:00.000Z', end: '2026-03-04T09:00:00.000Z' },
      });
      const outcome = decideSeries(series(threeDays, { partial: true }), inputsOf({ ...office, occupancy: [other(ids.otherSpace), other(ids.otherSpace)] }));
      expect(statuses(outcome)).toEqual(['confirmed', 'booking.capacity_reached', 'confirmed']);
    });
  });
});
