import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_BOOKING_POLICY, domainError } from '@plass/contracts';
import { BookingStub } from './test-support/booking-stub.js';
import { caller, httpClient, type HttpAnswer } from './test-support/http-client.js';
import { capturingLogger } from './test-support/log-capture.js';
import { startStubStack, type StubStack } from './test-support/stub-stack.js';

function expectProblem(answer: HttpAnswer, status: number, code: string) {
  expect({ status: answer.status, code: answer.json().code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('booking routes map to booking requests', () => {
  let booking: BookingStub;
  let call: ReturnType<typeof httpClient>;
  const logs = capturingLogger();
  const admin = caller(['admin']);
  const employee = caller(['employee'], admin.tenantId);
  const oslo = { name: 'Oslo office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5] };
  const day = { from: '2030-01-07T00:00:00Z', to: '2030-01-08T00:00:00Z' };
  const windowQuery = new URLSearchParams(day).toString();

  let stack: StubStack;

  beforeAll(async () => {
    stack = await startStubStack({ logger: logs.logger });
    ({ booking, call } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const lastRequest = () => booking.requests.at(-1)!;
  const created = async (answer: Promise<HttpAnswer>) => {
    const settled = await answer;
    expect(settled.status).toBe(201);
    return settled.json<{ id: string }>();
  };
  const newLocation = () => created(call('POST', '/v1/locations', { as: admin, json: oslo }));
  const newSpace = async () => {
    const location = await newLocation();
    const space = await created(call('POST', `/v1/locations/${location.id}/spaces`, { as: admin, json: { name: 'Desk 1', kind: 'desk' } }));
    return { location, space };
  };

  it('createLocation: CreateLocation in the caller tenant, 201 with Location', async () => {
    const requestId = randomUUID();
    const answer = await call('POST', '/v1/locations', { as: admin, json: { ...oslo, capacity: 40 }, headers: { 'x-request-id': requestId } });
    expect(answer.status).toBe(201);
    const location = answer.json<{ id: string }>();
    expect(location).toEqual({ id: expect.any(String), ...oslo, capacity: 40, status: 'active' });
    expect(answer.headers.get('location')).toBe(`/v1/locations/${location.id}`);
    expect(lastRequest()).toEqual({
      subject: 'booking.cmd.CreateLocation',
      payload: { ...oslo, capacity: 40 },
      ctx: { tenantId: admin.tenantId, actorId: admin.userId, roles: ['admin'], correlationId: requestId },
    });
    expectProblem(await call('POST', '/v1/locations', { as: employee, json: oslo }), 403, 'auth.forbidden');
  });

  it('lists, reads, changes and disables locations: path ids become locationId, PATCH bodies pass through', async () => {
    const { id } = await newLocation();
    const page = await call('GET', '/v1/locations?limit=10', { as: employee });
    expect(page.json()).toEqual({ items: expect.arrayContaining([expect.objectContaining({ id })]), nextCursor: null });
    expect(lastRequest()).toMatchObject({ subject: 'booking.qry.ListLocations', payload: { limit: 10 } });
    expect((await call('GET', `/v1/locations/${id}`, { as: employee })).json()).toMatchObject({ id, name: oslo.name });
    expect(lastRequest()).toMatchObject({ subject: 'booking.qry.GetLocation', payload: { locationId: id } });

    const changed = await call('PATCH', `/v1/locations/${id}`, { as: admin, json: { name: 'Oslo HQ', capacity: null, bookableWeekdays: [1, 2] } });
    expect(changed.status).toBe(200);
    expect(changed.json()).toMatchObject({ id, name: 'Oslo HQ', capacity: null, bookableWeekdays: [1, 2] });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.UpdateLocation', payload: { locationId: id, name: 'Oslo HQ', capacity: null, bookableWeekdays: [1, 2] } });

    const disabled = await call('POST', `/v1/locations/${id}/disable`, { as: admin });
    expect({ status: disabled.status, body: disabled.json() }).toMatchObject({ status: 200, body: { id, status: 'disabled' } });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.DisableLocation', payload: { locationId: id } });
    expectProblem(await call('GET', `/v1/locations/${randomUUID()}`, { as: employee }), 404, 'location.not_found');
  });

  it('createSpace: under its location, the location id from the path; 201 with the space Location', async () => {
    const location = await newLocation();
    const answer = await call('POST', `/v1/locations/${location.id}/spaces`, { as: admin, json: { name: 'Room 4', kind: 'room', floor: '2' } });
    expect(answer.status).toBe(201);
    const space = answer.json<{ id: string }>();
    expect(answer.headers.get('location')).toBe(`/v1/spaces/${space.id}`);
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.CreateSpace', payload: { locationId: location.id, name: 'Room 4', kind: 'room', floor: '2' } });
    expectProblem(await call('POST', `/v1/locations/${randomUUID()}/spaces`, { as: admin, json: { name: 'Room 5', kind: 'room' } }), 404, 'location.not_found');
    expectProblem(await call('POST', '/v1/spaces', { as: admin, json: { name: 'Room 6', kind: 'room' } }), 404, 'route.not_found');

    const listed = await call('GET', `/v1/locations/${location.id}/spaces`, { as: employee });
    expect(listed.json()).toEqual({ items: [expect.objectContaining({ id: space.id })], nextCursor: null });
    expect(lastRequest()).toMatchObject({ subject: 'booking.qry.ListSpaces', payload: { locationId: location.id, limit: 50 } });
  });

  it('changes and disables spaces: PATCH bodies pass through, null removes a floor', async () => {
    const { space } = await newSpace();
    const changed = await call('PATCH', `/v1/spaces/${space.id}`, { as: admin, json: { floor: null, zone: 'North' } });
    expect(changed.json()).toMatchObject({ id: space.id, zone: 'North' });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.UpdateSpace', payload: { spaceId: space.id, floor: null, zone: 'North' } });
    expect((await call('POST', `/v1/spaces/${space.id}/disable`, { as: admin })).json()).toMatchObject({ id: space.id, status: 'disabled' });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.DisableSpace', payload: { spaceId: space.id } });
    expectProblem(await call('PATCH', `/v1/spaces/${space.id}`, { as: employee, json: { name: 'Mine' } }), 403, 'auth.forbidden');
  });

  it('reads and changes the booking policy and privacy settings (admins only)', async () => {
    expect((await call('GET', '/v1/settings/booking-policy', { as: admin })).json()).toEqual(DEFAULT_BOOKING_POLICY);
    const changed = await call('PATCH', '/v1/settings/booking-policy', { as: admin, json: { maxDaysInAdvance: 14, adminsExempt: false } });
    expect(changed.json()).toEqual({ ...DEFAULT_BOOKING_POLICY, maxDaysInAdvance: 14, adminsExempt: false });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.ChangeBookingPolicy', payload: { maxDaysInAdvance: 14, adminsExempt: false } });
    expect(lastRequest().payload).toEqual({ maxDaysInAdvance: 14, adminsExempt: false });

    expect((await call('GET', '/v1/settings/privacy', { as: admin })).json()).toEqual({
      bookingVisibility: 'user-choice-visible',
      anonymizeBookingsAfterDays: null,
      analyticsMinGroupSize: 5,
    });
    expect((await call('PATCH', '/v1/settings/privacy', { as: admin, json: { bookingVisibility: 'nobody' } })).json()).toEqual({
      bookingVisibility: 'nobody',
      anonymizeBookingsAfterDays: null,
      analyticsMinGroupSize: 5,
    });
    expect((await call('PATCH', '/v1/settings/privacy', { as: admin, json: { anonymizeBookingsAfterDays: 30 } })).json()).toEqual({
      bookingVisibility: 'nobody',
      anonymizeBookingsAfterDays: 30,
      analyticsMinGroupSize: 5,
    });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.ChangePrivacySettings', payload: { anonymizeBookingsAfterDays: 30 } });
    expectProblem(await call('GET', '/v1/settings/privacy', { as: employee }), 403, 'auth.forbidden');
    expectProblem(await call('PATCH', '/v1/settings/booking-policy', { as: employee, json: { maxDaysInAdvance: 365 } }), 403, 'auth.forbidden');
  });

  it('books on behalf of a user, and lists bookings in a window', async () => {
    const { location, space } = await newSpace();
    const slot = { spaceId: space.id, start: '2030-01-07T09:00:00Z', end: '2030-01-07T10:00:00Z' };
    const onBehalf = await created(call('POST', '/v1/bookings', { as: admin, json: { ...slot, onBehalfOf: employee.userId } }));
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.CreateBooking', payload: { ...slot, onBehalfOf: employee.userId } });
    expect(onBehalf).toMatchObject({ bookedBy: employee.userId });

    const mine = await call('GET', `/v1/bookings?${windowQuery}`, { as: employee });
    expect(mine.json()).toEqual({ items: [expect.objectContaining({ id: onBehalf.id })] });
    expect(lastRequest()).toMatchObject({ subject: 'booking.qry.ListMyBookings', payload: day, ctx: { actorId: employee.userId } });

    const schedule = await call('GET', `/v1/spaces/${space.id}/bookings?${windowQuery}`, { as: employee });
    expect(schedule.json()).toEqual({ items: [expect.objectContaining({ id: onBehalf.id, booker: null })] });
    expect(lastRequest()).toMatchObject({ subject: 'booking.qry.ListSpaceBookings', payload: { spaceId: space.id, ...day } });

    const availability = await call('GET', `/v1/locations/${location.id}/availability?${windowQuery}`, { as: employee });
    expect(availability.json()).toEqual({ items: [{ space: expect.objectContaining({ id: space.id }), bookings: [expect.objectContaining({ id: onBehalf.id })] }] });
    expect(lastRequest()).toMatchObject({ subject: 'booking.qry.LocationAvailability', payload: { locationId: location.id, ...day } });
  });

  it('checks in, then cancels: 204 with no body and no content type', async () => {
    const { space } = await newSpace();
    const { id } = await created(call('POST', '/v1/bookings', { as: employee, json: { spaceId: space.id, start: '2030-02-04T09:00:00Z', end: '2030-02-04T10:00:00Z' } }));
    const checkedIn = await call('POST', `/v1/bookings/${id}/check-in`, { as: employee });
    expect({ status: checkedIn.status, body: checkedIn.json() }).toMatchObject({ status: 200, body: { id, status: 'checked_in' } });
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.CheckInBooking', payload: { bookingId: id } });

    const cancelled = await call('DELETE', `/v1/bookings/${id}`, { as: employee });
    expect(cancelled.status).toBe(204);
    expect(cancelled.text).toBe('');
    expect(cancelled.headers.get('content-type')).toBeNull();
    expect(cancelled.headers.get('x-request-id')).toBeTruthy();
    expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.CancelBooking', payload: { bookingId: id } });
    expect((await call('GET', `/v1/bookings/${id}`, { as: employee })).json()).toMatchObject({ status: 'cancelled' });

    const line = logs.records().find((record) => record.route === 'cancelBooking' && record.msg === 'request');
    expect(line).toMatchObject({ method: 'DELETE', status: 204 });
  });

  it('answers the service rules as problems: cancelling too late is 422, an unknown booking 404', async () => {
    booking.failNext = domainError('booking.cancellation_too_late', 'the cutoff has passed');
    const late = await call('DELETE', `/v1/bookings/${randomUUID()}`, { as: employee });
    expectProblem(late, 422, 'booking.cancellation_too_late');
    expect(late.json().detail).toBe('the cutoff has passed');
    expectProblem(await call('DELETE', `/v1/bookings/${randomUUID()}`, { as: employee }), 404, 'booking.not_found');
    expectProblem(await call('POST', `/v1/bookings/${randomUUID()}/check-in`, { as: employee }), 404, 'booking.not_found');
    expectProblem(await call('DELETE', `/v1/bookings/${randomUUID()}`), 401, 'auth.unauthenticated');
  });

  // Editing a booking
  describe('editBooking: PATCH /v1/bookings/{id} with If-Match, answered with an ETag', () => {
    const booked = async () => {
      const { space } = await newSpace();
      const answer = await call('POST', '/v1/bookings', { as: employee, json: { spaceId: space.id, start: '2030-02-05T09:00:00Z', end: '2030-02-05T10:00:00Z' } });
      return { space, id: (await created(Promise.resolve(answer))).id };
    };

    it('reads the version as the ETag, sends If-Match as expectedVersion, and answers the moved booking with its new ETag', async () => {
      const { id } = await booked();
      const read = await call('GET', `/v1/bookings/${id}`, { as: employee });
      expect({ status: read.status, etag: read.headers.get('etag'), version: read.json<{ version: number }>().version }).toEqual({ status: 200, etag: '"0"', version: 0 });

      const moved = await call('PATCH', `/v1/bookings/${id}`, { as: employee, json: { start: '2030-02-05T11:00:00+01:00' }, headers: { 'if-match': '"0"' } });
      expect({ status: moved.status, etag: moved.headers.get('etag') }).toEqual({ status: 200, etag: '"1"' });
      expect(moved.json()).toMatchObject({ id, start: '2030-02-05T10:00:00.000Z', version: 1 });
      expect(lastRequest()).toMatchObject({ subject: 'booking.cmd.EditBooking', payload: { bookingId: id, start: '2030-02-05T11:00:00+01:00', expectedVersion: 0 } });

      const stale = await call('PATCH', `/v1/bookings/${id}`, { as: employee, json: { end: '2030-02-05T12:00:00Z' }, headers: { 'if-match': '"0"' } });
      expectProblem(stale, 412, 'booking.version_mismatch');
      // `*` and no If-Match at all: whatever the booking's version is now.
      for (const headers of [{ 'if-match': '*' }, {}] as Array<Record<string, string>>) {
        const answer = await call('PATCH', `/v1/bookings/${id}`, { as: employee, json: { end: '2030-02-05T12:00:00Z' }, headers });
        expect(answer.status).toBe(200);
        expect(lastRequest().payload).not.toHaveProperty('expectedVersion');
      }
    });

    it('answers a bad If-Match or body with a 4xx problem, never a 5xx, and without asking the booking service', async () => {
      const { id } = await booked();
      const before = booking.requests.length;
      for (const ifMatch of ['0', 'W/"0"', '"0", "1"', '"abc"', '"-1"', '', '"99999999999999999999"']) {
        const answer = await call('PATCH', `/v1/bookings/${id}`, { as: employee, json: { end: '2030-02-05T12:00:00Z' }, headers: { 'if-match': ifMatch } });
        expectProblem(answer, 400, 'validation.failed');
        expect(answer.json<{ errors: Array<{ path: string }> }>().errors).toEqual([expect.objectContaining({ path: 'headers.if-match' })]);
      }
      for (const json of [{}, { start: 'tomorrow' }, { start: '2030-02-05T12:00:00Z', end: '2030-02-05T11:00:00Z' }, { subject: 'x' }, { spaceId: 'desk-1' }]) {
        expectProblem(await call('PATCH', `/v1/bookings/${id}`, { as: employee, json }), 400, 'validation.failed');
      }
      expectProblem(await call('PATCH', '/v1/bookings/not-a-uuid', { as: employee, json: { end: '2030-02-05T12:00:00Z' } }), 400, 'validation.failed');
      expect(booking.requests.length).toBe(before);
      expectProblem(await call('PATCH', `/v1/bookings/${id}`, { json: { end: '2030-02-05T12:00:00Z' } }), 401, 'auth.unauthenticated');
    });

    it('answers the service rules as problems: started 409, conflicts 409, unknown 404', async () => {
      booking.failNext = domainError('booking.already_started', 'the booking has already started');
      expectProblem(await call('PATCH', `/v1/bookings/${randomUUID()}`, { as: employee, json: { end: '2030-02-05T12:00:00Z' } }), 409, 'booking.already_started');
      booking.failNext = domainError('booking.conflict', 'the space is already booked for that time');
      expectProblem(await call('PATCH', `/v1/bookings/${randomUUID()}`, { as: employee, json: { end: '2030-02-05T12:00:00Z' } }), 409, 'booking.conflict');
      expectProblem(await call('PATCH', `/v1/bookings/${randomUUID()}`, { as: employee, json: { end: '2030-02-05T12:00:00Z' } }), 404, 'booking.not_found');
    });
  });
  // End of: Editing a booking
});
