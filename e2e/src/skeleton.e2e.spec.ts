import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Bus } from '@plass/bus';
import { DestroySubjectKeys, Streams, type BookingView } from '@plass/contracts';
import { listFiles, scanForPlaintext, waitFor } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';
import { startSystem, type System } from './system.js';

const subject = 'Performance review with Kari Nordmann';

/** Every booking event of the tenant exactly as JetStream stores it, read message by message. */
async function bookingEventsOnJetStream(bus: Bus, tenantId: string): Promise<Array<{ type: string; raw: string }>> {
  const { state } = await bus.jsm.streams.info(Streams.events);
  const messages: Array<{ type: string; raw: string }> = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await bus.jsm.streams.getMessage(Streams.events, { seq });
    if (message?.subject.startsWith(`evt.${tenantId}.booking.`)) {
      messages.push({ type: message.subject.split('.').pop()!, raw: message.string() });
    }
  }
  return messages;
}
const kari = { email: 'kari.nordmann@fjord.example', displayName: 'Kari Nordmann', role: 'employee' };

describe('walking skeleton: book through the gateway, read it back, shred it', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let tenantId: string;
  let admin: string;
  let employee: string;
  let employeeId: string;
  let spaceId: string;
  let booking: BookingView;

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const readBack = (id: string, token = employee) =>
    waitFor(
      async () => {
        const response = await call('GET', `/v1/bookings/${id}`, token);
        return response.status === 200 ? (response.body as unknown as BookingView) : undefined;
      },
      { what: 'the booking in the read model' },
    );

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    const fjord = await client.tenantWith(system.operatorToken, 'Fjord', [kari]);
    tenantId = fjord.tenantId;
    admin = fjord.adminToken;
    employee = fjord.users[kari.email]!.token;
    employeeId = fjord.users[kari.email]!.id;
  });

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('creates a location with a space and books it for tomorrow', async () => {
    const location = await call('POST', '/v1/locations', admin, { name: 'Oslo HQ', timezone: OSLO, bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] });
    expect(location.status).toBe(201);
    const space = await call('POST', `/v1/locations/${location.body.id as string}/spaces`, admin, { name: 'Desk 4.12', kind: 'desk', floor: '4' });
    expect(space.status).toBe(201);
    spaceId = space.body.id as string;
    expect(space.headers.get('location')).toBe(`/v1/spaces/${spaceId}`);
    expect(space.body).toMatchObject({ locationId: location.body.id, name: 'Desk 4.12', kind: 'desk', floor: '4' });

    const start = wallClock(OSLO, system.bookingNow(), 1, '09:00');
    const end = wallClock(OSLO, system.bookingNow(), 1, '17:00');
    const created = await call('POST', '/v1/bookings', employee, { spaceId, start, end, subject });
    expect(created.status).toBe(201);
    booking = created.body as unknown as BookingView;
    expect(created.headers.get('location')).toBe(`/v1/bookings/${booking.id}`);
    expect(booking).toMatchObject({
      spaceId,
      kind: 'desk',
      status: 'confirmed',
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      bookedBy: employeeId,
      subject,
    });
  });

  it('reads the booking back from the projection through the gateway', async () => {
    expect(await readBack(booking.id)).toEqual({ ...booking, redacted: [] });
  });

  it('hides other tenants’ bookings', async () => {
    const other = await client.tenantWith(system.operatorToken, 'Other', []);
    expect((await call('GET', `/v1/bookings/${booking.id}`, other.adminToken)).status).toBe(404);
  });

  it('records the whole path as one trace', async () => {
    await waitFor(() => system.booking.settled(), { what: 'relay and projection to settle' });
    const all = system.spans.getFinishedSpans();
    const handled = all.find(
      (span) =>
        span.name === 'booking.cmd.CreateBooking handle' &&
        all.some((s) => s.name === 'PLASS_EVENTS publish' && s.attributes['plass.event.type'] === 'BookingConfirmed' && s.spanContext().traceId === span.spanContext().traceId),
    );
    expect(handled).toBeDefined();
    const traceId = handled!.spanContext().traceId;
    const names = new Set(all.filter((span) => span.spanContext().traceId === traceId).map((span) => span.name));
    for (const expected of [
      'POST /v1/bookings',
      'booking.cmd.CreateBooking request',
      'booking.cmd.CreateBooking handle',
      'privacy.keys.GetOrCreate handle',
      'eventstore append',
      'PLASS_EVENTS publish',
      'booking-read-model process',
    ]) {
      expect([...names]).toContain(expected);
    }
  });

  it('keeps no plaintext personal data at rest while running', async () => {
    await waitFor(() => system.booking.settled(), { what: 'relay and projection to settle' });
    expect(scanForPlaintext(system.dataDir, [subject, kari.email, kari.displayName])).toEqual([]);
    // The user id is identity's own record key; what must never hold it in clear is booking data.
    expect(scanForPlaintext(join(system.dataDir, 'booking'), [employeeId])).toEqual([]);
  });

  it('publishes booking events that carry no clear link to the booker', async () => {
    const bus = await Bus.connect({ servers: system.natsUrl, name: 'e2e-inspector' });
    const messages = await bookingEventsOnJetStream(bus, tenantId);
    await bus.close();
    expect(messages.map((message) => message.type)).toEqual(expect.arrayContaining(['LocationCreated', 'SpaceCreated', 'BookingConfirmed']));
    for (const message of messages) expect(message.raw).not.toContain(employeeId);
  });

  it('reads the booking with redacted personal fields once the subject’s keys are destroyed', async () => {
    const bus = await Bus.connect({ servers: system.natsUrl, name: 'e2e-privacy-officer' });
    const { destroyedKeys } = await bus.request(DestroySubjectKeys, { subjectId: employeeId }, { tenantId, roles: ['privacy_officer'], correlationId: randomUUID() });
    await bus.close();
    expect(destroyedKeys).toBeGreaterThan(0);

    // Without the booker's key nothing links the booking to them any more: an admin reads it.
    const shredded = await waitFor(
      async () => {
        const view = await readBack(booking.id, admin);
        return view.redacted.length > 0 ? view : undefined;
      },
      { what: 'the shredded booking' },
    );
    expect(shredded).toEqual({ ...booking, bookedBy: null, subject: null, redacted: ['bookedBy', 'subject'] });
  });

  it('rebuilds the projection from the event store after shredding', async () => {
    const { applied } = await system.booking.rebuildReadModel();
    expect(applied).toBeGreaterThanOrEqual(1);
    expect(await readBack(booking.id, admin)).toEqual({ ...booking, bookedBy: null, subject: null, redacted: ['bookedBy', 'subject'] });
  });

  it('leaves no plaintext in any store, JetStream file or log once stopped', async () => {
    await system.stop();
    const files = listFiles(system.dataDir);
    for (const store of [
      /booking\/events\.db/,
      /booking\/read-model\.db/,
      /privacy\/keys\.db/,
      /^identity\//,
      /^nats\/jetstream\//,
      /^logs\/gateway\.\d{4}-\d{2}-\d{2}\.log$/,
      /^logs\/booking\.\d{4}-\d{2}-\d{2}\.log$/,
      /^logs\/identity\.\d{4}-\d{2}-\d{2}\.log$/,
    ]) {
      expect(files.some((file) => store.test(file))).toBe(true);
    }
    expect(scanForPlaintext(system.dataDir, [subject, kari.email, kari.displayName, 'correct horse battery staple'])).toEqual([]);
    expect(scanForPlaintext(join(system.dataDir, 'booking'), [employeeId])).toEqual([]);
  });
});
