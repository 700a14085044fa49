import { SMTPServer } from 'smtp-server';
import type { Logger } from '@plass/telemetry';

export interface MailSink {
  port: number;
  close(): Promise<void>;
}

const header = (raw: string, name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(raw.slice(0, raw.search(/\r?\n\r?\n/) >>> 0))?.[1]?.trim();

/**
 * For `npm start` without a provider: an SMTP server on a loopback port that accepts every mail,
 * logs that it would have sent it (Message-ID, subject, size, never the recipient or the body) and
 * keeps nothing, so no mail is at rest anywhere.
 */
export async function startMailSink(options: { port?: number; logger: Logger }): Promise<MailSink> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'plass mail sink: nothing is delivered',
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = header(raw, 'Subject');
        options.logger.info(
          { messageId: header(raw, 'Message-ID'), subject, bytes: raw.length, to: '<redacted>' },
          'would send a mail (embedded sink: set PLASS_SMTP_PRIMARY_URL to deliver)',
        );
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
