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
  /** Takes in each mail's data but never answers it (a provider that hangs before its 250): such mails are not received. */
  hold: boolean;
  /** Mails whose data arrived and that are held unanswered now; dropped when their client goes away. */
  readonly held: number;
  close(): Promise<void>;
}

export async function startTestSmtp(provider: 'primary' | 'secondary', port?: number): Promise<TestSmtp> {
  const pending = new Map<string, (error?: Error) => void>();
  const state: TestSmtp = {
    port: 0,
    received: [],
    refuseWith: undefined,
    hold: false,
    get held() {
      return pending.size;
    },
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      pending.delete(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (state.refuseWith !== undefined) {
          const error = Object.assign(new Error(state.refuseWith >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: state.refuseWith });
          callback(error);
          return;
        }
        if (state.hold) {
          pending.set(session.id, callback);
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
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const answer of pending.values()) answer(Object.assign(new Error('shutting down'), { responseCode: 421 }));
      pending.clear();
      server.close(() => resolve());
    });
  return state;
}
