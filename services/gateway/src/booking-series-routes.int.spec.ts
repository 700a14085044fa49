import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_SERIES_OCCURRENCES } from '@plass/contracts';
import type { BookingStub } from './test-support/booking-stub.js';
import { caller, type HttpAnswer, type httpClient } from './test-support/http-client.js';
import { capturingLogger } from './test-support/log-capture.js';
import { startStubStack, type StubStack } from './test-support/stub-stack.js';

function expectProblem(answer: HttpAnswer, status: number, code: string) {
  expect({ status: answer.status, code: answer.json().code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('booking series routes (recurring bookings)', () => {
  let stack: StubStack;
  let booking: BookingStub;
  let call: ReturnType<typeof httpClient>;
  const admin = caller(['admin']);
  const employee = caller(['employee'], admin.tenantId);
  let spaceId: string;

  beforeAll(async () => {
    stack = await startStubStack({ logger: capturingLogger().logger });
    ({ booking, call } = stack);
    const location = (await call('POST', '/v1/locations', { as: admin, json: { name: 'Berlin', timezone: 'Europe/Berlin', bookableWeekdays: [1, 2, 3, 4, 5] } })).json<{
      id: string;
    }>();
    spaceId = (await call('POST', `/v1/locations/${location.id}/spaces`, { as: admin, json: { name: 'Desk', kind: 'desk' } })).json<{ id: string }>().id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  const lastRequest = () => booking.requests.at(-1)!;
  const weekly = (start: string, end: string, extra: Record<string, unknown> = {}) => ({ spaceId, start, end, recurrence: { frequency: 'weekly', count: 3 }, ...extra });

  it('createBookingSeries: CreateBookingSeries, 201 with each occurrence and the series Location', async () => {
    const body = weekly('2030-01-07T09:00:00+01:00', '2030-01-07T17:00:00+01:00', {
      subject: 'Team day',
      recurrence: { frequency: 'weekly', interval: 1, byWeekday: [1], count: 3 },
    });
    const answer = await call('POST', '/v1/bookings/series', { as: employee, json: body });
    expect(answer.status).toBe(201);
    const series = answer.json<{ id: string; occurrences: Array<{ status: string; bookingId: string }> }>();
    expect(series.occurrences.map((o) => o.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect(answer.headers.get('location')).toBe(`/v1/bookings/series/${series.id}`);
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.CreateBookingSeries', payload: body, ctx: { actorId: employee.userId } });
    expect(lastRequest().payload).not.toHaveProperty('seriesId');
  });

  it('names the series by the Idempotency-Key, so a retry answers as the first attempt', async () => {
    const key = randomUUID();
    const body = weekly('2030-02-04T09:00:00Z', '2030-02-04T10:00:00Z');
    const first = await call('POST', '/v1/bookings/series', { as: employee, json: body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(lastRequest().payload).toMatchObject({ seriesId: first.json<{ id: string }>().id });
    const again = await call('POST', '/v1/bookings/series', { as: employee, json: body, headers: { 'idempotency-key': key } });
    expect({ status: again.status, body: again.json(), replayed: again.headers.get('idempotency-replayed') }).toEqual({ status: 201, body: first.json(), replayed: 'true' });
  });

  it('answers a refused series as 409 booking.series_refused listing every occurrence', async () => {
    await call('POST', '/v1/bookings', { as: admin, json: { spaceId, start: '2030-03-11T09:00:00Z', end: '2030-03-11T10:00:00Z' } });
    const refused = await call('POST', '/v1/bookings/series', { as: employee, json: weekly('2030-03-04T09:00:00Z', '2030-03-04T10:00:00Z') });
    expectProblem(refused, 409, 'booking.series_refused');
    expect(refused.json().occurrences).toEqual([
      { status: 'bookable', start: '2030-03-04T09:00:00.000Z', end: '2030-03-04T10:00:00.000Z' },
      { status: 'refused', start: '2030-03-11T09:00:00.000Z', end: '2030-03-11T10:00:00.000Z', code: 'booking.conflict' },
      { status: 'bookable', start: '2030-03-18T09:00:00.000Z', end: '2030-03-18T10:00:00.000Z' },
    ]);
    const partial = await call('POST', '/v1/bookings/series', { as: employee, json: weekly('2030-03-04T09:00:00Z', '2030-03-04T10:00:00Z', { partial: true }) });
    expect(partial.status).toBe(201);
    expect(partial.json<{ occurrences: Array<{ status: string }> }>().occurrences.map((o) => o.status)).toEqual(['confirmed', 'refused', 'confirmed']);
  });

  /** Validation comes first: the space need not exist. */
  const anySpace = randomUUID();
  const start = '2030-04-01T09:00:00Z';
  const end = '2030-04-01T10:00:00Z';
  it.each<[string, unknown]>([
    ['no recurrence', { spaceId: anySpace, start, end }],
    ['a recurrence that is no object', { spaceId: anySpace, start, end, recurrence: 'weekly' }],
    ['an unknown frequency', { spaceId: anySpace, start, end, recurrence: { frequency: 'monthly', count: 2 } }],
    ['an interval of 0', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', interval: 0, count: 2 } }],
    ['a fractional interval', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', interval: 1.5, count: 2 } }],
    ['neither until nor count', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily' } }],
    ['both until and count', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', count: 2, until: '2030-05-01T00:00:00Z' } }],
    [`more than ${MAX_SERIES_OCCURRENCES} occurrences`, { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', count: MAX_SERIES_OCCURRENCES + 1 } }],
    ['a count of 0', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', count: 0 } }],
    ['a weekday 8', { spaceId: anySpace, start, end, recurrence: { frequency: 'weekly', byWeekday: [8], count: 2 } }],
    ['a weekday twice', { spaceId: anySpace, start, end, recurrence: { frequency: 'weekly', byWeekday: [1, 1], count: 2 } }],
    ['weekdays as a string', { spaceId: anySpace, start, end, recurrence: { frequency: 'weekly', byWeekday: 'MO', count: 2 } }],
    ['an until that is no timestamp', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', until: 'next year' } }],
    ['an until before the start', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', until: '2030-03-01T00:00:00Z' } }],
    ['an unknown recurrence field', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', count: 2, byMonth: [1] } }],
    ['an unknown field', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', count: 2 }, seriesId: randomUUID() }],
    ['a partial that is no boolean', { spaceId: anySpace, start, end, recurrence: { frequency: 'daily', count: 2 }, partial: 'yes' }],
    ['an end before the start', { spaceId: anySpace, start: end, end: start, recurrence: { frequency: 'daily', count: 2 } }],
  ])('answers %s with 400 validation.failed, before asking booking', async (_name, json) => {
    const asked = booking.requests.length;
    const answer = await call('POST', '/v1/bookings/series', { as: employee, json });
    expectProblem(answer, 400, 'validation.failed');
    expect(answer.json<{ errors?: unknown[] }>().errors?.length).toBeGreaterThan(0);
    expect(booking.requests.length).toBe(asked);
  });

  it('cancelBookingSeries: CancelBookingSeries with the path id, 200 with each occurrence; unknown 404, malformed 400', async () => {
    const series = (await call('POST', '/v1/bookings/series', { as: employee, json: weekly('2030-06-03T09:00:00Z', '2030-06-03T10:00:00Z') })).json<{ id: string }>();
    const cancelled = await call('DELETE', `/v1/bookings/series/${series.id}`, { as: employee });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json<{ occurrences: Array<{ status: string }> }>().occurrences.map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.CancelBookingSeries', payload: { seriesId: series.id } });
    expectProblem(await call('DELETE', `/v1/bookings/series/${randomUUID()}`, { as: employee }), 404, 'booking.series_not_found');
    expectProblem(await call('DELETE', '/v1/bookings/series/not-a-uuid', { as: employee }), 400, 'validation.failed');
    expectProblem(await call('DELETE', `/v1/bookings/series/${series.id}`), 401, 'auth.unauthenticated');
  });

  it('keeps /v1/bookings/{id} for bookings: the series paths are not read as a booking id', async () => {
    const asked = booking.requests.length;
    expectProblem(await call('GET', '/v1/bookings/series', { as: employee }), 400, 'validation.failed');
    expectProblem(await call('DELETE', '/v1/bookings/series', { as: employee }), 400, 'validation.failed');
    expect(booking.requests.length).toBe(asked);
  });
});
