import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@plass/testing';
import { startTestSmtp, type TestSmtp } from '../test-support/test-smtp.js';
import { MailSender, type OutgoingMail } from './mail-sender.js';
import { parseSmtpConfig } from './smtp-config.js';
import { startMailSink } from './mail-sink.js';

const mail = (n: number): OutgoingMail => ({
  messageId: `<cause-${n}.booking.confirmed@plass>`,
  from: { name: 'plass', address: 'desk@plass.example' },
  to: { name: 'Kari', address: 'kari@example.test' },
  subject: `Booked ${n}`,
  text: 'text part',
  html: '<p>html part</p>',
  calendar: { method: 'REQUEST', content: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n' },
});

describe('MailSender over real SMTP servers', () => {
  let primary: TestSmtp;
  let secondary: TestSmtp;
  let now = 0;
  let sender: MailSender;

  beforeAll(async () => {
    primary = await startTestSmtp('primary');
    secondary = await startTestSmtp('secondary');
    const config = parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${primary.port}`, PLASS_SMTP_SECONDARY_URL: `smtp://127.0.0.1:${secondary.port}` })!;
    sender = new MailSender(config, { now: () => now, breaker: { failures: 2, coolDownMs: 60_000 }, timeoutMs: 2000 });
  });

  afterAll(async () => {
    sender.close();
    await primary.close();
    await secondary.close();
  });

  it('sends through the primary with the stable Message-ID, text, HTML and a text/calendar part with its method', async () => {
    expect(await sender.send(mail(1))).toEqual({ status: 'sent', provider: 'primary' });
    const received = primary.received.at(-1)!;
    expect(received.parsed.messageId).toBe('<cause-1.booking.confirmed@plass>');
    expect(received.parsed.text?.trim()).toBe('text part');
    expect(received.parsed.html).toContain('html part');
    expect(received.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
  });

  it('goes to the secondary while the primary fails, skips the primary once its breaker opened, and returns after the cool-down', async () => {
    primary.refuseWith = 451;
    expect(await sender.send(mail(2))).toEqual({ status: 'sent', provider: 'secondary' });
    expect(await sender.send(mail(3))).toEqual({ status: 'sent', provider: 'secondary' });
    expect(sender.breakerState()).toBe('open');
    primary.refuseWith = undefined;
    const before = primary.received.length;
    expect(await sender.send(mail(4))).toEqual({ status: 'sent', provider: 'secondary' });
    expect(primary.received.length).toBe(before);
    now += 60_000;
    expect(await sender.send(mail(5))).toEqual({ status: 'sent', provider: 'primary' });
    expect(sender.breakerState()).toBe('closed');
  });

  it('answers retry when every provider fails transiently, and failed for a permanent refusal without a breaker failure', async () => {
    primary.refuseWith = 421;
    secondary.refuseWith = 452;
    expect(await sender.send(mail(6))).toMatchObject({ status: 'retry' });
    primary.refuseWith = 550;
    secondary.refuseWith = undefined;
    expect(await sender.send(mail(7))).toMatchObject({ status: 'failed', provider: 'primary', code: 550 });
    primary.refuseWith = undefined;
    expect(await sender.send(mail(8))).toEqual({ status: 'sent', provider: 'primary' });
  });

  it('counts a closed port as a provider failure and fails over', async () => {
    const closed = await freePort();
    const config = parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${closed}`, PLASS_SMTP_SECONDARY_URL: `smtp://127.0.0.1:${secondary.port}` })!;
    const failover = new MailSender(config, { now: () => 0, breaker: { failures: 1 }, timeoutMs: 2000 });
    expect(await failover.send(mail(9))).toEqual({ status: 'sent', provider: 'secondary' });
    expect(failover.breakerState()).toBe('open');
    failover.close();
  });
});

it('the embedded sink accepts a mail and logs it without its recipient or body', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = { info: (fields: Record<string, unknown>) => lines.push(fields) } as unknown as Parameters<typeof startMailSink>[0]['logger'];
  const sink = await startMailSink({ logger });
  const sender = new MailSender(parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${sink.port}` })!, { now: () => 0 });
  expect(await sender.send(mail(10))).toEqual({ status: 'sent', provider: 'primary' });
  sender.close();
  await sink.close();
  expect(lines).toEqual([expect.objectContaining({ messageId: '<cause-10.booking.confirmed@plass>', subject: 'Booked 10', to: '<redacted>' })]);
  expect(JSON.stringify(lines)).not.toContain('kari@example.test');
  expect(JSON.stringify(lines)).not.toContain('text part');
});
