export interface SmtpEndpoint {
  /** `primary` or `secondary`: the name in logs and metrics. */
  name: 'primary' | 'secondary';
  host: string;
  port: number;
  /** `smtps://`: TLS from the first byte. */
  secure: boolean;
  /** `smtp://` to a host that is not loopback: STARTTLS or no mail. */
  requireTls: boolean;
  auth?: { user: string; pass: string };
}

export interface SmtpConfig {
  primary: SmtpEndpoint;
  secondary?: SmtpEndpoint;
}

export class SmtpConfigError extends Error {
  override readonly name = 'SmtpConfigError';
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** The URL as it may be shown: without its credentials. */
const shown = (url: URL) => `${url.protocol}//${url.host}`;

function endpoint(name: SmtpEndpoint['name'], variable: string, raw: string, allowPlaintext: boolean): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SmtpConfigError(`${variable}: not a URL; expected smtp://host:port or smtps://host:port`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new SmtpConfigError(`${variable}: ${shown(url)} must be smtp:// or smtps://`);
  if (!url.hostname) throw new SmtpConfigError(`${variable}: names no host`);
  const secure = url.protocol === 'smtps:';
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const user = decodeURIComponent(url.username);
  return {
    name,
    host,
    port,
    secure,
    requireTls: !secure && !isLoopback(url.hostname) && !allowPlaintext,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
  };
}

/**
 * PLASS_SMTP_PRIMARY_URL and PLASS_SMTP_SECONDARY_URL (`smtp://` or `smtps://`, credentials in the
 * URL); undefined when no primary is set. Plain `smtp://` to a loopback host needs no TLS; to any
 * other host STARTTLS is required unless PLASS_SMTP_ALLOW_PLAINTEXT=true. Errors never show a password.
 */
export function parseSmtpConfig(env: NodeJS.ProcessEnv): SmtpConfig | undefined {
  const primary = env.PLASS_SMTP_PRIMARY_URL?.trim();
  const secondary = env.PLASS_SMTP_SECONDARY_URL?.trim();
  const plaintext = env.PLASS_SMTP_ALLOW_PLAINTEXT?.trim();
  if (plaintext !== undefined && plaintext !== '' && plaintext !== 'true' && plaintext !== 'false') {
    throw new SmtpConfigError('PLASS_SMTP_ALLOW_PLAINTEXT: true or false');
  }
  const allowPlaintext = plaintext === 'true';
  if (!primary) {
    if (secondary) throw new SmtpConfigError('PLASS_SMTP_SECONDARY_URL is set without PLASS_SMTP_PRIMARY_URL');
    return undefined;
  }
  return {
    primary: endpoint('primary', 'PLASS_SMTP_PRIMARY_URL', primary, allowPlaintext),
    ...(secondary ? { secondary: endpoint('secondary', 'PLASS_SMTP_SECONDARY_URL', secondary, allowPlaintext) } : {}),
  };
}
