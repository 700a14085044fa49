import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, type RunningGateway } from '@plass/gateway';
import { startIdentityService, type IdentityService } from '@plass/identity';
import { startPrivacyService } from '@plass/privacy';
import { createLogger } from '@plass/telemetry';
import { scanForPlaintext, startNats, tempDir, waitFor, type NatsServerHandle, type TempDir } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SUBJECT = 'Budget talk with Ingrid Sætre';

/**
 * `Idempotency-Key` through the gateway, with booking as its own process: killed with SIGKILL
 * between a booking's append and its reply, restarted, and the client's retry gets its booking.
 */
describe('Idempotency-Key on creating POSTs', () => {
  let dir: TempDir;
  let nats: NatsServerHandle;
  let privacy: Awaited<ReturnType<typeof startPrivacyService>>;
  let identity: IdentityService;
  let gateway: RunningGateway;
  let booking: ChildProcess | undefined;
  const operatorToken = randomBytes(24).toString('base64url');
  let admin: string;
  let employee: string;
  let desks: string[];

  const logger = (service: string) => createLogger({ service, level: 'warn', file: join(dir.path, 'logs', `${service}.log`) });
  const startBooking = async (fault: boolean) => {
    const child = spawn(process.execPath, [join(root, 'services/booking/dist/main.js')], {
      cwd: root,
      env: { ...process.env, PLASS_DATA_DIR: dir.path, NATS_URL: nats.url, PLASS_LOG_LEVEL: 'warn', PLASS_FAULT_KILL_AFTER_BOOKING_APPEND: fault ? 'true' : 'false' },
      stdio: 'ignore',
    });
    booking = child;
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, { timeoutMs: 20_000, what: 'booking serving' });
    return child;
  };
  const startGatewayReplica = () => startGateway({ natsUrl: nats.url, port: 0, host: '127.0.0.1', operatorToken, logger: logger('gateway'), loginThrottle: { attempts: 10_000 } });
  const at = (days: number, time: string) => wallClock(OSLO, new Date(), days, time);
  const post = (token: string, body: unknown, key?: string, base = gateway.url) =>
    gatewayClient(base).call('POST', '/v1/bookings', { token, body, ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }) });
  const mine = async (token: string, day: number) =>
    (
      (await gatewayClient(gateway.url).call('GET', `/v1/bookings?from=${encodeURIComponent(at(day, '00:00'))}&to=${encodeURIComponent(at(day + 1, '00:00'))}`, { token })).body
        .items as Array<{ id: string }>
    ).map((item) => item.id);

  beforeAll(async () => {
    dir = tempDir('plass-idempotency-');
    nats = await startNats({ storeDir: join(dir.path, 'nats') });
    privacy = await startPrivacyService({ natsUrl: nats.url, dataDir: dir.path, masterKey: randomBytes(32), logger: logger('privacy') });
    identity = await startIdentityService({ natsUrl: nats.url, dataDir: dir.path, identityKey: randomBytes(32), logger: logger('identity') });
    gateway = await startGatewayReplica();
    await startBooking(true);
    const client = gatewayClient(gateway.url);
    const tenant = await client.tenantWith(operatorToken, 'Idem', [{ email: 'eva@idem.example', displayName: 'Eva Idem', role: 'employee' }]);
    admin = tenant.adminToken;
    employee = tenant.users['eva@idem.example']!.token;
    desks = (
      await client.locationWithSpaces(
        admin,
        [1, 2, 3].map((n) => ({ name: `Desk ${n}`, kind: 'desk' })),
      )
    ).spaces.map((space) => space.id);
  }, 60_000);

  afterAll(async () => {
    booking?.kill('SIGKILL');
    await gateway?.close();
    await identity?.close();
    await privacy?.close();
    await nats?.stop();
    dir?.remove();
  });

  it('answers a retry after booking died between its append and its reply with the booking it made, not 409', async () => {
    const key = randomUUID();
    const body = { spaceId: desks[0], start: at(1, '09:00'), end: at(1, '10:00'), subject: SUBJECT };
    const dying = booking!;
    const exited = new Promise((resolve) => dying.once('exit', (_code, signal) => resolve(signal)));

    const first = await post(employee, body, key);
    expect(await exited).toBe('SIGKILL');
    expect(first.status).toBeGreaterThanOrEqual(500);
    await startBooking(false);

    const retry = await post(employee, body, key);
    expect({ status: retry.status, code: retry.body.code }).toEqual({ status: 201, code: undefined });
    expect(retry.body).toMatchObject({ spaceId: desks[0], subject: SUBJECT, status: 'confirmed' });
    expect(retry.headers.get('location')).toBe(`/v1/bookings/${retry.body.id as string}`);
    expect(await mine(employee, 1)).toEqual([retry.body.id]);

    const again = await post(employee, body, key);
    expect({ status: again.status, body: again.body, replayed: again.headers.get('idempotency-replayed') }).toEqual({ status: 201, body: retry.body, replayed: 'true' });
  }, 60_000);

  it('refuses the same key with another body: 422 idempotency.key_reused', async () => {
    const key = randomUUID();
    expect((await post(employee, { spaceId: desks[1], start: at(2, '09:00'), end: at(2, '10:00') }, key)).status).toBe(201);
    const reused = await post(employee, { spaceId: desks[1], start: at(2, '11:00'), end: at(2, '12:00') }, key);
    expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'idempotency.key_reused' });
    // Another caller's equal key is another record.
    expect((await post(admin, { spaceId: desks[1], start: at(2, '11:00'), end: at(2, '12:00') }, key)).status).toBe(201);
  });

  it('lets concurrent duplicates wait for the first and answers them all alike; a new gateway replica still knows the key', async () => {
    const key = randomUUID();
    const body = { spaceId: desks[2], start: at(3, '09:00'), end: at(3, '10:00') };
    const second = await startGatewayReplica();
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => post(employee, body, key, n % 2 === 0 ? gateway.url : second.url)));
      expect(answers.map((answer) => answer.status)).toEqual(Array<number>(6).fill(201));
      expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
      expect(await mine(employee, 3)).toEqual([answers[0]!.body.id]);
    } finally {
      await second.close();
    }
    const restarted = await startGatewayReplica();
    try {
      const later = await post(employee, body, key, restarted.url);
      expect({ status: later.status, id: later.body.id }).toEqual({ status: 201, id: (await mine(employee, 3))[0] });
    } finally {
      await restarted.close();
    }
  }, 60_000);

  it('refuses a malformed key with 400, and without a key a repeat is a new request', async () => {
    const body = { spaceId: desks[2], start: at(4, '09:00'), end: at(4, '10:00') };
    const malformed = await post(employee, body, 'k'.repeat(256));
    expect({ status: malformed.status, code: malformed.body.code }).toEqual({ status: 400, code: 'validation.failed' });
    expect((await post(employee, body)).status).toBe(201);
    expect((await post(employee, body)).status).toBe(409);
  });

  it('keeps no answer in clear: the JetStream store holds the booking title only sealed', async () => {
    expect(scanForPlaintext(join(dir.path, 'nats'), [SUBJECT])).toEqual([]);
  });
});
