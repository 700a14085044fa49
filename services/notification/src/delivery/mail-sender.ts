import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { CircuitBreaker, type BreakerOptions, type BreakerState } from './circuit-breaker.js';
import type { SmtpConfig, SmtpEndpoint } from './smtp-config.js';

export interface Party {
  name: string;
  address: string;
}

export interface OutgoingMail {
  /** `<…@plass>`: stable for the mail's cause, so a resent mail is recognisably the same. */
  messageId: string;
  from: Party;
  to: Party;
  subject: string;
  text: string;
  html: string;
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export type Provider = SmtpEndpoint['name'];

export type SendOutcome =
  { status: 'sent'; provider: Provider } | { status: 'retry'; reason: string } | { status: 'failed'; provider: Provider; code: number | string; reason: string };

export interface MailSenderOptions {
  now: () => number;
  breaker?: Omit<BreakerOptions, 'now'>;
  /** Connection, greeting and socket timeouts (ms). */
  timeoutMs?: number;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/**
 * The whole message, built once and handed to the provider as one buffer: nodemailer's own
 * `sendMail` streams the MIME tree onto the socket in many small writes, which cost more CPU than
 * building it.
 */
function compose(mail: OutgoingMail): Promise<Buffer> {
  return new MailComposer({
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(mail.calendar ? { icalEvent: { method: mail.calendar.method, content: mail.calendar.content } } : {}),
  })
    .compile()
    .build();
}

/** SMTP replies often echo the recipient: no address leaves this module in a reason. */
export const redactAddresses = (text: string) => text.replace(/[^\s<>"'@,;:]+@[^\s<>"'@,;:]+/g, '<redacted>');

/** 5xx replies that say the provider (our login, its TLS) is broken, not the recipient. */
const PROVIDER_REPLIES = new Set([421, 454, 530, 534, 535, 538]);
const PROVIDER_CODES = new Set(['EAUTH', 'ETLS', 'ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL', 'EMAXLIMIT']);

type Failure = { kind: 'transient' | 'permanent'; provider: boolean; code: number | string; reason: string };

function classify(error: unknown): Failure {
  const { code, responseCode, message } = (error ?? {}) as SmtpError;
  const reason = redactAddresses(String(message ?? 'unknown error')).slice(0, 300);
  if (typeof responseCode === 'number') {
    if (responseCode >= 500 && !PROVIDER_REPLIES.has(responseCode)) return { kind: 'permanent', provider: false, code: responseCode, reason };
    return { kind: 'transient', provider: true, code: responseCode, reason };
  }
  return { kind: 'transient', provider: code === undefined || PROVIDER_CODES.has(code), code: code ?? 'unknown', reason };
}

/**
 * Sends one mail through the primary provider, or the secondary while the primary's breaker is
 * open or when the primary fails transiently in this very attempt. A permanent refusal (5xx about
 * the mail or its recipient) is final; a transient one everywhere is for the caller to retry.
 */
/** How many mails are handed to a provider at once (and so its pool's connections). */
export const SENDS_IN_FLIGHT = 4;

export class MailSender {
  private readonly transports = new Map<Provider, Transporter<SMTPPool.SentMessageInfo>>();
  private readonly breaker: CircuitBreaker;

  constructor(
    private readonly config: SmtpConfig,
    options: MailSenderOptions,
  ) {
    this.breaker = new CircuitBreaker({ ...options.breaker, now: options.now });
    const timeout = options.timeoutMs ?? 20_000;
    for (const endpoint of [config.primary, config.secondary]) {
      if (!endpoint) continue;
      const transport: SMTPPool.Options = {
        host: endpoint.host,
        port: endpoint.port,
        secure: endpoint.secure,
        requireTLS: endpoint.requireTls,
        ...(endpoint.auth ? { auth: endpoint.auth } : {}),
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        disableFileAccess: true,
        disableUrlAccess: true,
        // Connections are kept and reused: one SMTP handshake per connection, not per mail.
        pool: true,
        maxConnections: SENDS_IN_FLIGHT,
        maxMessages: 500,
      };
      this.transports.set(endpoint.name, nodemailer.createTransport(transport));
    }
  }

  breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** The providers to try, in order, for the next mail. */
  private order(): Provider[] {
    if (!this.config.secondary) return ['primary'];
    return this.breaker.allows() ? ['primary', 'secondary'] : ['secondary'];
  }

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    let last: Failure | undefined;
    let raw: Promise<Buffer> | undefined;
    for (const provider of this.order()) {
      try {
        await this.transports.get(provider)!.sendMail({ envelope: { from: mail.from.address, to: [mail.to.address] }, raw: await (raw ??= compose(mail)) });
        if (provider === 'primary') this.breaker.succeeded();
        return { status: 'sent', provider };
      } catch (error) {
        last = classify(error);
        if (provider === 'primary' && last.provider) this.breaker.failed();
        if (last.kind === 'permanent') return { status: 'failed', provider, code: last.code, reason: last.reason };
      }
    }
    return { status: 'retry', reason: last?.reason ?? 'no provider' };
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
  }
}
