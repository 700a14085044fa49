import { describe, expect, it } from '@jest/globals';
import { CreateBookingBody, CreateSpaceBody } from '@plass/contracts';
import { EXAMPLE_TENANT, EXAMPLE_USER, curlExample, stoppedLine, upLine } from './banner.js';

describe('banner', () => {
  it('says where plass is, where its data lives and how to stop it, on one line', () => {
    expect(upLine({ baseUrl: 'http://localhost:8080', dataDir: '/work/.data', natsUrl: 'nats://127.0.0.1:4222' })).toBe(
      'plass is up: http://localhost:8080 (data in /work/.data, NATS nats://127.0.0.1:4222) — Ctrl-C stops',
    );
  });

  it('gives a curl example whose bodies satisfy the contracts, booking tomorrow with the dev headers', () => {
    const example = curlExample('http://localhost:8080', new Date('2025-12-31T22:30:00Z'));

    expect(example).toContain(`-H 'X-Plass-Tenant: ${EXAMPLE_TENANT}'`);
    expect(example).toContain(`-H 'X-Plass-User: ${EXAMPLE_USER}'`);
    expect(example).toContain(`-H 'X-Plass-Roles: admin'`);
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
