/**
 * `npm run bench:mail`: the CPU one booking confirmation costs the notification process, apart
 * from its store and keys — rendering (text, HTML, calendar entry) and sending it through the SMTP
 * pool, four at a time as the dispatcher does, to an `smtp-server` in a child process (so the
 * receiving side's CPU is not counted). Prints milliseconds of CPU per mail and the mails/s.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { MailSender, SENDS_IN_FLIGHT, type OutgoingMail } from '../delivery/index.js';
import { renderMessage } from '../messages/index.js';
import { message } from '../messages/test-fixtures.js';

const MAILS = Number(process.env.BENCH_MAILS ?? 3000);
const WARM_UP = 300;

/** The child: a sink that reads every mail and accepts it; tells its parent the port. */
function sink(): void {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.server.address() as { port: number }).port));
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  if (!(MAILS >= SENDS_IN_FLIGHT)) throw new Error(`BENCH_MAILS must be at least ${SENDS_IN_FLIGHT}`);
  const input = message('booking.confirmed');
  for (let i = 0; i < WARM_UP; i++) renderMessage(input);
  let started = process.cpuUsage();
  for (let i = 0; i < MAILS; i++) renderMessage(input);
  const renderMs = cpuMs(started) / MAILS;

  const child = fork(fileURLToPath(import.meta.url), ['--sink']);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (port) => resolve(port as number));
      child.once('error', reject);
    });
    const sender = new MailSender({ primary: { name: 'primary', host: '127.0.0.1', port, secure: false, requireTls: false } }, { now: Date.now });
    const rendered = renderMessage(input);
    const mail: OutgoingMail = {
      messageId: '<bench@plass>',
      from: { name: input.sender.name, address: input.sender.address },
      to: { name: input.recipient.name, address: input.recipient.email },
      ...rendered,
    };
    const sendAll = async (count: number) => {
      for (let i = 0; i < count; i += SENDS_IN_FLIGHT) {
        const outcomes = await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, () => sender.send(mail)));
        const failed = outcomes.find((outcome) => outcome.status !== 'sent');
        if (failed) throw new Error(`the sink did not accept a mail: ${JSON.stringify(failed)}`);
      }
    };
    await sendAll(WARM_UP);
    started = process.cpuUsage();
    const wall = performance.now();
    await sendAll(MAILS);
    const sendMs = cpuMs(started) / MAILS;
    const perSecond = MAILS / ((performance.now() - wall) / 1000);
    sender.close();
    process.stdout.write(
      `bench:mail: ${MAILS} booking confirmations: render ${renderMs.toFixed(2)} ms CPU per mail, send ${sendMs.toFixed(2)} ms ` +
        `(${SENDS_IN_FLIGHT} at a time, ${perSecond.toFixed(0)} mails/s); ${(renderMs + sendMs).toFixed(2)} ms in all\n`,
    );
  } finally {
    child.kill();
  }
}

if (process.argv.includes('--sink')) sink();
else await main();
