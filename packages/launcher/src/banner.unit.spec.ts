import { describe, expect, it } from '@jest/globals';
import { CreateBookingBody, CreateLocationBody, CreateSpaceBody, TokenBody } from '@plass/contracts';
import { curlExample, demoLoginLine, operatorLine, stoppedLine, tomorrowAt, upLine } from './banner.js';

const login = { tenantId: '00000000-0000-4000-8000-00000000a001', email: 'admin@demo.plass.invalid', password: 's3cret-demo-pass' };

describe('banner', () => {
  it('says where plass is, where its data lives and how to stop it, on one line', () => {
    expect(upLine({ baseUrl: 'http://localhost:8080', dataDir: '/work/.data', natsUrl: 'nats://127.0.0.1:4222' })).toBe(
      'plass is up: http://localhost:8080 (data in /work/.data, NATS nats://127.0.0.1:4222) — Ctrl-C stops',
    );
  });

  it('prints the operator token only when it generated one, and the demo login', () => {
    expect(operatorLine('Zq8-operator-secret', true)).toContain('Zq8-operator-secret');
    expect(operatorLine('Zq8-operator-secret', false)).not.toContain('Zq8-operator-secret');
    expect(demoLoginLine(login)).toBe(`demo tenant ${login.tenantId}: admin ${login.email} / ${login.password}`);
  });

  it('gives a curl example that logs in, creates a location and a space, and books tomorrow in Oslo, all bodies satisfying the contracts', () => {
    const example = curlExample('http://localhost:8080', new Date('2025-12-31T22:30:00Z'), login);

    const credentials = /-d '(\{"tenantId".*?\})' http:\/\/localhost:8080\/v1\/auth\/token/.exec(example)?.[1];
    expect(TokenBody.parse(JSON.parse(credentials!))).toEqual(login);
    expect(example).toContain('-H "Authorization: Bearer $TOKEN"');
    const location = /LOCATION=.*-d '(\{.*?\})' http:\/\/localhost:8080\/v1\/locations \|/.exec(example)?.[1];
    expect(CreateLocationBody.parse(JSON.parse(location!))).toEqual({ name: 'Demo office', timezone: 'Europe/Oslo', bookableWeekdays: [1, 2, 3, 4, 5, 6, 7] });
    const space = /-d '(\{"name".*?\})' http:\/\/localhost:8080\/v1\/locations\/\$LOCATION\/spaces/.exec(example)?.[1];
    expect(CreateSpaceBody.safeParse(JSON.parse(space!)).success).toBe(true);
    const booking = /-d '(.*)' http:\/\/localhost:8080\/v1\/bookings/.exec(example)?.[1];
    const body = JSON.parse(booking!.replace(`'"$SPACE"'`, '00000000-0000-4000-8000-00000000c001')) as unknown;
    expect(CreateBookingBody.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ start: '2026-01-01T09:00:00+01:00', end: '2026-01-01T17:00:00+01:00' });
  });

  it('books tomorrow by the Oslo calendar and its offset that day', () => {
    expect(tomorrowAt('Europe/Oslo', new Date('2025-12-31T23:30:00Z'), '09:00')).toBe('2026-01-02T09:00:00+01:00');
    expect(tomorrowAt('Europe/Oslo', new Date('2026-03-28T12:00:00Z'), '09:00')).toBe('2026-03-29T09:00:00+02:00');
    expect(tomorrowAt('Europe/Oslo', new Date('2026-10-24T12:00:00Z'), '17:00')).toBe('2026-10-25T17:00:00+01:00');
  });

  it('ends a stop with one line naming what stopped and what had to be killed', () => {
    expect(
      stoppedLine(
        [
          { name: 'gateway', code: 0, signal: null, killed: false },
          { name: 'booking', code: null, signal: 'SIGKILL', killed: true },
          { name: 'nats', code: 0, signal: null, killed: false },
        ],
        0.42,
      ),
    ).toBe('plass stopped (gateway, booking, nats) in 0.4s; booking did not stop in time and was killed');
  });
});
