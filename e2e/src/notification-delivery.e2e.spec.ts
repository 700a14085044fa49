import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { startBookingService, type BookingService } from '@plass/booking';
import { startGateway, type RunningGateway } from '@plass/gateway';
import { startIdentityService, type IdentityService } from '@plass/identity';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '@plass/notification';
import { startPrivacyService } from '@plass/privacy';
import { createLogger } from '@plass/telemetry';
import { startNats, tempDir, waitFor, type NatsServerHandle, type TempDir } from '@plass/testing';
import { gatewayClient, OSLO, wallClock } from './client.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Delivery with the notification service as its own process and two real SMTP servers: failover,
 * both providers down, a permanent refusal, and SIGKILL while a mail is in flight. Every mail is
 * counted at the servers by its Message-ID.
 */
describe('mail delivery across providers and crashes', () => {
  let dir: TempDir;
  let nats: NatsServerHandle;
  let privacy: Awaited<ReturnType<typeof startPrivacyService>>;
  let identity: IdentityService;
  let booking: BookingService;
  let gateway: RunningGateway;
  let notification: ChildProcess | undefined;
  /** Every server that ever ran on the two ports: a provider that went down and came back is a new one. */
  const servers: TestSmtp[] = [];
  let primary: TestSmtp;
  let secondary: TestSmtp;
  let primaryPort: number;
  let secondaryPort: number;
  const operatorToken = randomBytes(24).toString('base64url');
  let employee: { token: string; email: string };
  let desks: string[];
  let day = 1;

  const logger = (service: string) => createLogger({ service, level: 'warn', file: join(dir.path, 'logs', `${service}.log`) });
  const received = (): ReceivedMail[] => servers.flatMap((server) => server.received);
  const copiesOf = (messageId: string) => received().filter((mail) => mail.parsed.messageId === messageId).length;
  const confirmations = () => received().filter((mail) => /\.booking\.confirmed@plass>$/.test(mail.parsed.messageId ?? '') && mail.to.includes(employee.email));
  const startNotification = async () => {
    notification = spawn(process.execPath, [join(root, 'services/notification/dist/main.js')], {
      cwd: root,
      env: {
        ...process.env,
        PLASS_DATA_DIR: dir.path,
        NATS_URL: nats.url,
        PLASS_LOG_LEVEL: 'warn',
        PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${primaryPort}`,
        PLASS_SMTP_SECONDARY_URL: `smtp://127.0.0.1:${secondaryPort}`,
        PLASS_NOTIFICATION_DELIVER_INTERVAL_MS: '200',
        PLASS_SMTP_BREAKER_COOLDOWN_MS: '1000',
        // A mail the killed process had taken is due again after this (production: 60 s, above the SMTP timeouts).
        PLASS_NOTIFICATION_CLAIM_MS: '5000',
      },
      stdio: 'ignore',
    });
  };
  const provider = async (name: 'primary' | 'secondary', port?: number) => {
    const server = await startTestSmtp(name, port);
    servers.push(server);
    return server;
  };
  /** A booking on a fresh day: its confirmation is the mail the test follows. */
  const book = async () => {
    const before = confirmations().length;
    const day_ = day++;
    const answer = await gatewayClient(gateway.url).call('POST', '/v1/bookings', {
      token: employee.token,
      body: { spaceId: desks[0], start: wallClock(OSLO, new Date(), day_, '09:00'), end: wallClock(OSLO, new Date(), day_, '10:00') },
    });
    expect(answer.status).toBe(201);
    return { bookingId: answer.body.id as string, before };
  };
  const confirmationOf = (bookingId: string) =>
    waitFor(() => confirmations().find((mail) => mail.parsed.text?.includes(bookingId)), { timeoutMs: 60_000, what: 'the confirmation at an SMTP server' });

  beforeAll(async () => {
    dir = tempDir('plass-mail-delivery-');
    nats = await startNats({ storeDir: join(dir.path, 'nats') });
    privacy = await startPrivacyService({
      natsUrl: nats.url,
      dataDir: dir.path,
      masterKey: randomBytes(32),
      logger: logger('privacy'),
      erasureParticipants: ['identity', 'booking', 'notification'],
    });
    identity = await startIdentityService({ natsUrl: nats.url, dataDir: dir.path, identityKey: randomBytes(32), logger: logger('identity') });
    booking = await startBookingService({ natsUrl: nats.url, dataDir: dir.path, logger: logger('booking'), noShowEveryMs: 3_600_000 });
    gateway = await startGateway({ natsUrl: nats.url, port: 0, host: '127.0.0.1', operatorToken, logger: logger('gateway'), loginThrottle: { attempts: 10_000 } });
    primary = await provider('primary');
    secondary = await provider('secondary');
    primaryPort = primary.port;
    secondaryPort = secondary.port;
    await startNotification();
    const client = gatewayClient(gateway.url);
    const tenant = await client.tenantWith(operatorToken, 'Post', [{ email: 'ada.post@post.example', displayName: 'Ada Post', role: 'employee' }]);
    employee = tenant.users['ada.post@post.example']!;
    desks = (await client.locationWithSpaces(tenant.adminToken, [{ name: 'Desk 1', kind: 'desk' }])).spaces.map((space) => space.id);
  }, 90_000);

  afterAll(async () => {
    notification?.kill('SIGKILL');
    for (const server of servers) await server.close();
    await gateway?.close();
    await booking?.close();
    await identity?.close();
    await privacy?.close();
    await nats?.stop();
    dir?.remove();
  });

  it('sends exactly one confirmation with a parseable calendar request for a booking through the gateway', async () => {
    const { bookingId } = await book();
    const mail = await confirmationOf(bookingId);
    expect(mail.provider).toBe('primary');
    const calendar = mail.parsed.attachments.find((part) => part.contentType.startsWith('text/calendar'))!;
    const component = ICAL.Component.fromString(calendar.content.toString('utf8'));
    expect(component.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(component.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid')).toBe(`${bookingId}@plass`);
    await booking.settled();
    expect(copiesOf(mail.parsed.messageId!)).toBe(1);
  }, 90_000);

  it('moves to the secondary while the primary refuses connections, and loses nothing', async () => {
    await primary.close();
    const { bookingId } = await book();
    const mail = await confirmationOf(bookingId);
    expect(mail.provider).toBe('secondary');
    expect(copiesOf(mail.parsed.messageId!)).toBe(1);
  }, 90_000);

  it('keeps mails while both providers are down and delivers them once when one returns', async () => {
    await secondary.close();
    const { bookingId } = await book();
    // Give the service time to try and fail: the mail must wait in the queue, not be dropped.
    const log = () => gatewayClient(gateway.url).call('GET', '/v1/me/notifications/log', { token: employee.token });
    await waitFor(
      async () =>
        ((await log()).body.items as { bookingId: string; status: string; attempts: number }[]).some(
          (entry) => entry.bookingId === bookingId && entry.status === 'queued' && entry.attempts >= 1,
        ),
      {
        timeoutMs: 30_000,
        what: 'a failed attempt that keeps the mail queued',
      },
    );
    primary = await provider('primary', primaryPort);
    const mail = await confirmationOf(bookingId);
    expect(copiesOf(mail.parsed.messageId!)).toBe(1);
    secondary = await provider('secondary', secondaryPort);
  }, 90_000);

  it('records a permanent refusal as failed and does not try again', async () => {
    primary.refuseWith = 550;
    const { bookingId } = await book();
    const log = () => gatewayClient(gateway.url).call('GET', '/v1/me/notifications/log', { token: employee.token });
    const failed = await waitFor(
      async () =>
        ((await log()).body.items as { bookingId: string; status: string; attempts: number }[]).find((entry) => entry.bookingId === bookingId && entry.status === 'failed'),
      { timeoutMs: 30_000, what: 'the mail recorded as failed' },
    );
    expect(failed.attempts).toBe(1);
    primary.refuseWith = undefined;
    // Rounds went on after the refusal: a later booking's mail arrives, the refused one never again.
    const later = await book();
    await confirmationOf(later.bookingId);
    expect(confirmations().filter((mail) => mail.parsed.text?.includes(bookingId))).toEqual([]);
    const entry = ((await log()).body.items as { bookingId: string; status: string; attempts: number }[]).find((item) => item.bookingId === bookingId);
    expect(entry).toMatchObject({ status: 'failed', attempts: 1 });
  }, 90_000);

  it('sends a mail exactly once when the service is killed with SIGKILL while the provider holds it', async () => {
    primary.hold = true;
    const { bookingId } = await book();
    await waitFor(() => primary.held === 1, { timeoutMs: 30_000, what: 'the provider to hold the mail' });
    const dying = notification!;
    const exited = new Promise((resolve) => dying.once('exit', resolve));
    dying.kill('SIGKILL');
    await exited;
    await waitFor(() => primary.held === 0, { what: 'the provider to drop the unanswered mail' });
    primary.hold = false;
    await startNotification();
    const mail = await confirmationOf(bookingId);
    expect(copiesOf(mail.parsed.messageId!)).toBe(1);
  }, 90_000);
});
