import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scanForPlaintext, waitFor } from '@plass/testing';
import { gatewayClient, wallClock, OSLO } from './client.js';
import { startSystem, type System } from './system.js';

type Client = ReturnType<typeof gatewayClient>;
type Tenant = Awaited<ReturnType<Client['tenantWith']>>;

const kindOf = (messageId: string | undefined) => String(messageId ?? '').replace(/^<[^.]+\.(.+)@plass>$/, '$1');

describe('notification through the gateway', () => {
  let system: System;
  let client: Client;
  let tenant: Tenant;
  let deskId: string;
  const employee = { email: 'sigrid.nes@fjord.example', displayName: 'Sigrid Nes', role: 'employee' };

  const mailsTo = (address: string) => system.smtp.received.filter((mail) => mail.to.includes(address));
  const mailOf = (address: string, kind: string) => waitFor(() => mailsTo(address).find((mail) => kindOf(mail.parsed.messageId) === kind), { what: `a ${kind} mail` });
  const call = (method: string, path: string, token?: string, body?: unknown) => client.call(method, path, { ...(token ? { token } : {}), body });

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    tenant = await client.tenantWith(system.operatorToken, 'Fjord', [employee]);
    const { spaces } = await client.locationWithSpaces(tenant.adminToken, [{ name: 'Desk 7', kind: 'desk', floor: '2' }]);
    deskId = spaces[0]!.id;
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('invites a user an admin creates without a password: the mailed link sets it once, and the user logs in', async () => {
    const invited = { email: 'ola.berg@fjord.example', displayName: 'Ola Berg', role: 'employee', locale: 'nb' };
    expect((await call('POST', '/v1/users', tenant.adminToken, invited)).status).toBe(201);
    const mail = await mailOf(invited.email, 'user.invited');
    expect(mail.parsed.subject).toBe('Invitasjon fra Fjord');
    const token = decodeURIComponent(/set-password#token=([^\s"<]+)/.exec(mail.parsed.text ?? '')![1]!);
    const password = 'a long and new passphrase';
    expect((await call('POST', '/v1/auth/password', undefined, { token, password })).status).toBe(204);
    expect((await client.login(tenant.tenantId, invited.email, password)).accessToken).toEqual(expect.any(String));
    const again = await call('POST', '/v1/auth/password', undefined, { token, password: 'another long passphrase' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it('mails the booker a confirmation with a calendar request, and serves the same entry as .ics to the booker only', async () => {
    const me = tenant.users[employee.email]!;
    const start = wallClock(OSLO, system.bookingNow(), 2, '09:00');
    const end = wallClock(OSLO, system.bookingNow(), 2, '11:00');
    const booked = await call('POST', '/v1/bookings', me.token, { spaceId: deskId, start, end });
    expect(booked.status).toBe(201);
    const bookingId = booked.body.id as string;
    const confirmation = await mailOf(employee.email, 'booking.confirmed');
    expect(confirmation.raw).toMatch(/text\/calendar; charset=utf-8; method=REQUEST/i);
    expect(confirmation.parsed.text).toContain('09:00');

    const ics = await call('GET', `/v1/bookings/${bookingId}.ics`, me.token);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(ics.text).toContain(`UID:${bookingId}@plass`);
    expect(ics.text).toContain('METHOD:REQUEST');
    expect((await call('GET', `/v1/bookings/${bookingId}.ics`, tenant.adminToken)).body.code).toBe('booking.not_found');
    const bad = await call('GET', '/v1/bookings/not-a-uuid.ics', me.token);
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation.failed' });

    expect((await call('DELETE', `/v1/bookings/${bookingId}`, me.token)).status).toBeLessThan(300);
    await mailOf(employee.email, 'booking.cancelled');
    await waitFor(async () => (await call('GET', `/v1/bookings/${bookingId}.ics`, me.token)).text.includes('METHOD:CANCEL'), { what: 'the .ics to be a cancellation' });
  });

  it('lets people choose their optional mails and admins the tenant’s, and shows the log without an address', async () => {
    const me = tenant.users[employee.email]!;
    expect((await call('GET', '/v1/me/notifications', me.token)).body).toEqual({ confirmations: true, reminders: true });
    expect((await call('PATCH', '/v1/me/notifications', me.token, { reminders: false })).body).toEqual({ confirmations: true, reminders: false });
    const unknown = await call('PATCH', '/v1/me/notifications', me.token, { sms: true });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 400, code: 'validation.failed' });
    expect((await call('PATCH', '/v1/me/notifications', me.token, {})).status).toBe(400);

    expect((await call('GET', '/v1/settings/notifications', me.token)).status).toBe(403);
    const changed = await call('PATCH', '/v1/settings/notifications', tenant.adminToken, {
      reminderMinutesBefore: 30,
      sender: { address: 'desks@fjord.example', name: 'Fjord desks' },
    });
    expect(changed.body).toMatchObject({ reminderMinutesBefore: 30, sender: { address: 'desks@fjord.example', name: 'Fjord desks' }, mails: { reminder: true } });
    for (const body of [{ reminderMinutesBefore: -1 }, { reminderMinutesBefore: 100_000 }, { baseUrl: 'ftp://x' }, { mails: { fax: true } }]) {
      const refused = await call('PATCH', '/v1/settings/notifications', tenant.adminToken, body);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'validation.failed' });
    }

    const mine = await call('GET', '/v1/me/notifications/log', me.token);
    expect((mine.body.items as { kind: string; status: string }[]).map((entry) => [entry.kind, entry.status])).toEqual([
      ['booking.confirmed', 'sent'],
      ['booking.cancelled', 'sent'],
    ]);
    const theirs = await call('GET', `/v1/notifications?userId=${me.id}`, tenant.adminToken);
    expect(theirs.body.items).toEqual(mine.body.items);
    expect(theirs.text).not.toContain(employee.email);
    expect((await call('GET', '/v1/notifications?userId=nobody', tenant.adminToken)).status).toBe(400);
    expect((await call('GET', '/v1/notifications', me.token)).status).toBe(403);
  });

  it('keeps no address, name or mail text in clear anywhere under the data directory', async () => {
    const names = [employee.email, employee.displayName, 'ola.berg@fjord.example', 'Ola Berg'];
    expect(scanForPlaintext(system.dataDir, names)).toEqual([]);
  });
});
