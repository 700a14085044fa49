import { SMTPServer } from 'smtp-server';
import { percentile } from './paced.js';

/** An SMTP server (the `smtp-server` package) that only notes when each booking's mail arrived. */
export interface MailCounter {
  port: number;
  /** Mails accepted in all. */
  count(): number;
  /** When the confirmation of a booking was accepted (performance.now()), by booking id. */
  confirmedAt: Map<string, number>;
  /** When the first and the latest mail were accepted (performance.now(); 0 before any). */
  firstAt(): number;
  lastAt(): number;
  close(): Promise<void>;
}

const BOOKING_LINK = /\/bookings\/([0-9a-f-]{36})/;

export async function startMailCounter(): Promise<MailCounter> {
  let count = 0;
  let firstAt = 0;
  let lastAt = 0;
  const confirmedAt = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        lastAt = performance.now();
        if (count === 0) firstAt = lastAt;
        count += 1;
        if (/Message-ID: <[^>]*\.booking\.confirmed@plass>/i.test(raw)) {
          const id = BOOKING_LINK.exec(raw)?.[1];
          if (id && !confirmedAt.has(id)) confirmedAt.set(id, lastAt);
        }
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  // A client's connection that ends abruptly (notification stopped with its pool open) is the
  // client's affair: smtp-server reports it as an 'error' event, which unheard ends the bench.
  server.on('error', () => undefined);
  return { port, count: () => count, confirmedAt, firstAt: () => firstAt, lastAt: () => lastAt, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface MailFigures {
  mails: number;
  mailsPerSecond: number;
  /** Booking answered 201 → its confirmation accepted by the SMTP server, ms. */
  p50: number;
  p99: number;
  /** Mails the earlier runs caused, sent before this one began. */
  backlog: number;
  /** The rate they went out at, first to last (during and after the load runs), mails/s. */
  backlogPerSecond: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the SMTP server has heard no mail for 3 s (at most `maxS`): what earlier runs queued
 * is out. Answers whether it is (false: mails still arriving after `maxS`).
 */
export async function mailsSettled(counter: MailCounter, maxS = 600): Promise<boolean> {
  const quietSince = () => performance.now() - Math.max(counter.lastAt(), 0);
  const began = performance.now();
  while (quietSince() < 3000 && performance.now() - began < maxS * 1000) await sleep(250);
  return quietSince() >= 3000;
}

/**
 * Waits until `expected` bookings have had their confirmation accepted (at most `maxS`): the mails
 * earlier runs queued are out. Answers the seconds waited and how many confirmations are missing.
 */
export async function confirmationsArrived(counter: MailCounter, expected: number, maxS: number): Promise<{ waitedS: number; missing: number }> {
  const began = performance.now();
  while (counter.confirmedAt.size < expected && performance.now() - began < maxS * 1000) await sleep(250);
  return { waitedS: (performance.now() - began) / 1000, missing: Math.max(0, expected - counter.confirmedAt.size) };
}

/**
 * Mail end to end: waits until the mails of the earlier runs are out, then makes `count` bookings
 * (`concurrency` at a time) and times each until its confirmation reaches the SMTP server.
 */
export async function mailRun(options: {
  url: string;
  counter: MailCounter;
  count: number;
  concurrency: number;
  nextBooking: () => { token: string; body: string };
  progress: (line: string) => void;
}): Promise<MailFigures | { skipped: string }> {
  const { counter } = options;
  const settled = await mailsSettled(counter);
  const backlog = counter.count();
  const backlogPerSecond = backlog > 1 ? backlog / ((counter.lastAt() - counter.firstAt()) / 1000) : NaN;
  // A long run (BENCH_DURATION=120) queues more than notification sends in ten minutes: timing
  // one booking behind that backlog would measure the backlog.
  if (!settled) return { skipped: `the earlier runs' mails were still going out after 600 s (${backlog.toLocaleString('en')} sent, ${backlogPerSecond.toFixed(0)} mails/s)` };
  options.progress(`bench: mail, ${options.count} bookings until each confirmation reaches the SMTP server (${backlog.toLocaleString('en')} mails of the earlier runs sent)…`);
  const bookedAt = new Map<string, number>();
  const began = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      next += 1;
      const { token, body } = options.nextBooking();
      const response = await fetch(`${options.url}/v1/bookings`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
      const answered = performance.now();
      if (response.status !== 201) {
        await response.body?.cancel();
        continue;
      }
      bookedAt.set(((await response.json()) as { id: string }).id, answered);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const deadline = performance.now() + 300_000;
  while ([...bookedAt.keys()].some((id) => !counter.confirmedAt.has(id)) && performance.now() < deadline) await sleep(20);
  const delays = [...bookedAt].flatMap(([id, at]) => (counter.confirmedAt.has(id) ? [counter.confirmedAt.get(id)! - at] : [])).sort((a, b) => a - b);
  const last = Math.max(...[...bookedAt.keys()].map((id) => counter.confirmedAt.get(id) ?? 0));
  if (delays.length < bookedAt.size) throw new Error(`only ${delays.length} of ${bookedAt.size} confirmations arrived within 300 s`);
  return {
    mails: delays.length,
    mailsPerSecond: delays.length / ((last - began) / 1000),
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
    backlog,
    backlogPerSecond,
  };
}

export const mailLine = (figures: MailFigures | { skipped: string }) =>
  'skipped' in figures
    ? `bench: mail end to end: not measured, ${figures.skipped}`
    : `bench: mail end to end: ${figures.mails} confirmations at ${figures.mailsPerSecond.toFixed(1)} mails/s (booking → accepted by the SMTP server); delay p50 ${Math.round(figures.p50)} ms p99 ${Math.round(figures.p99)} ms; ` +
      `the earlier runs' ${figures.backlog.toLocaleString('en')} mails went out at ${figures.backlogPerSecond.toFixed(0)} mails/s`;
