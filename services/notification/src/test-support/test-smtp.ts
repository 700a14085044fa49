import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Which of the two test providers accepted it. */
  provider: 'primary' | 'secondary';
  to: string[];
  parsed: ParsedMail;
  raw: string;
}

/** A real SMTP server (the `smtp-server` package) that keeps what it accepts. */
export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  /** Answers every mail with this SMTP code (e.g. 451, 550) until cleared. */
  refuseWith: number | undefined;
  close(): Promise<void>;
}

export async function startTestSmtp(provider: 'primary' | 'secondary', port?: number): Promise<TestSmtp> {
  const state: TestSmtp = { port: 0, received: [], refuseWith: undefined, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (state.refuseWith !== undefined) {
          const error = Object.assign(new Error(state.refuseWith >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: state.refuseWith });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          state.received.push({ provider, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), parsed, raw });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => {
      state.port = (server.server.address() as { port: number }).port;
      resolve();
    });
  });
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

