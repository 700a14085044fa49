import { describe, expect, it } from '@jest/globals';
import { CreateBookingBody, CreateSpaceBody, TokenBody } from '@plass/contracts';
import { curlExample, demoLoginLine, operatorLine, stoppedLine, upLine } from './banner.js';

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

  it('gives a curl example that logs in and whose bodies satisfy the contracts, booking tomorrow', () => {
    const example = curlExample('http://localhost:8080', new Date('2025-12-31T22:30:00Z'), login);

    const credentials = /-d '(\{"tenantId".*?\})' http:\/\/localhost:8080\/v1\/auth\/token/.exec(example)?.[1];
    expect(TokenBody.parse(JSON.parse(credentials!))).toEqual(login);
    expect(example).toContain('-H "Authorization: Bearer $TOKEN"');
    const space = /-d '(\{"name".*?\})' http:\/\/localhost:8080\/v1\/spaces/.exec(example)?.[1];
    expect(CreateSpaceBody.safeParse(JSON.parse(space!)).success).toBe(true);
    const booking = /-d '(.*)' http:\/\/localhost:8080\/v1\/bookings/.exec(example)?.[1];
    const body = JSON.parse(booking!.replace(`'"$SPACE"'`, '00000000-0000-4000-8000-00000000c001'));
    expect(CreateBookingBody.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ start: '2026-01-01T09:00:00Z', end: '2026-01-01T17:00:00Z' });
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
