import { domainError, type Decision, type DomainError, type DomainEvent, type ErrorCode, type Recurrence, type SeriesOccurrenceOutcome } from '@plass/contracts';
import { decideBook, type BookingInputs } from '../rules/book.js';
import type { Actor, BookingWrites } from '../rules/booking-decision.js';
import type { Interval } from '../rules/intervals.js';

export interface BookSeries {
  seriesId: string;
  spaceId: string;
  bookedBy: string;
  subject?: string;
  recurrence: Recurrence;
  /** In order, each with the booking id it takes if confirmed. */
  occurrences: Array<Interval & { bookingId: string }>;
  /** Keep the occurrences that fit; by default one refused occurrence refuses the series. */
  partial: boolean;
  now: string;
  actor: Actor;
}

export interface ConfirmedOccurrence {
  bookingId: string;
  start: string;
  end: string;
  /** What `decideBook` decided for it; its ledger entry names the series. */
  writes: BookingWrites;
}

export interface SeriesWrites {
  confirmed: ConfirmedOccurrence[];
  outcomes: SeriesOccurrenceOutcome[];
  /** `BookingSeriesCreated`, for the series' own stream. */
  created: DomainEvent;
}

const refuse = (error: DomainError): Decision<SeriesWrites> => ({ ok: false, error });

/** Refusals that are about the request or the space, not one occurrence: answered as themselves when every occurrence has them. */
const SERIES_WIDE: ReadonlySet<ErrorCode> = new Set(['validation.failed', 'auth.forbidden', 'space.not_found', 'location.not_found', 'booking.space_disabled']);

/**
 * Each occurrence is decided in order with `decideBook`, on the streams as the earlier confirmed
 * occurrences leave them: a later occurrence sees their slots, ledger entries (upcoming and
 * concurrent limits count them) and occupancy. `inputs.schedule` holds the slots of every
 * occurrence's days, `ledger` the booker's periods of the policy's horizon and of every
 * occurrence, `occupancy` every occurrence's local days. All or nothing unless `partial`.
 */
export function decideSeries(command: BookSeries, inputs: BookingInputs): Decision<SeriesWrites> {
  const { seriesId, spaceId, bookedBy, subject, now, actor } = command;
  let { schedule, ledger, occupancy } = inputs;
  const confirmed: ConfirmedOccurrence[] = [];
  const outcomes: SeriesOccurrenceOutcome[] = [];
  const refusals: DomainError[] = [];
  for (const { bookingId, start, end } of command.occurrences) {
    const decision = decideBook(
      { bookingId, spaceId, bookedBy, start, end, ...(subject === undefined ? {} : { subject }), now, actor },
      { ...inputs, schedule, ledger, occupancy },
    );
    if (!decision.ok) {
      outcomes.push({ status: 'refused', start, end, code: decision.error.code });
      refusals.push(decision.error);
      continue;
    }
    const booked = decision.events.schedule.find((event) => event.type === 'BookingConfirmed');
    const times = booked?.type === 'BookingConfirmed' ? { start: booked.data.start, end: booked.data.end } : { start, end };
    const writes: BookingWrites = {
      ...decision.events,
      ledger: decision.events.ledger.map((event) => (event.type === 'LedgerBookingAdded' ? { ...event, data: { ...event.data, seriesId } } : event)),
    };
    confirmed.push({ bookingId, ...times, writes });
    outcomes.push({ status: 'confirmed', bookingId, ...times });
    schedule = { ...schedule, bookings: schedule.bookings.set(bookingId, { id: bookingId, spaceId, status: 'confirmed', ...times }) };
    ledger = { bookings: ledger.bookings.set(bookingId, { ...times, spaceId }) };
    if (decision.events.occupancy.days.length > 0) occupancy = { bookings: occupancy.bookings.set(bookingId, { spaceId, ...times }) };
  }

  if (refusals.length === command.occurrences.length && refusals.every(({ code }) => code === refusals[0]!.code && SERIES_WIDE.has(code))) {
    return refuse(refusals[0]!);
  }
  if (confirmed.length === 0 || (refusals.length > 0 && !command.partial)) {
    const listed = outcomes.map((outcome): SeriesOccurrenceOutcome => (outcome.status === 'confirmed' ? { status: 'bookable', start: outcome.start, end: outcome.end } : outcome));
    return refuse(
      domainError('booking.series_refused', `${refusals.length} of ${command.occurrences.length} occurrences cannot be booked; nothing was booked`, { occurrences: listed }),
    );
  }
  const created: DomainEvent = {
    type: 'BookingSeriesCreated',
    data: {
      seriesId,
      spaceId,
      recurrence: command.recurrence,
      occurrences: confirmed.map(({ bookingId, start, end }) => ({ bookingId, start, end })),
      refused: outcomes.flatMap((outcome) => (outcome.status === 'refused' ? [{ start: outcome.start, end: outcome.end, code: outcome.code }] : [])),
    },
  };
  return { ok: true, events: { confirmed, outcomes, created } };
}
