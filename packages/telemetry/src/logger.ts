import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { isIPv4, isIPv6 } from 'node:net';
import { pino, type DestinationStream, type Logger } from 'pino';
import { DailyLogFile, logRetentionDays } from './daily-log-file.js';
import { personalFieldNames } from './personal-field-names.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  /** Defaults to LOG_LEVEL, else 'info'. */
  level?: string;
  /**
   * Also append JSON lines to a file per UTC day: `${PLASS_DATA_DIR}/logs/<service>.log` writes
   * `logs/<service>.<YYYY-MM-DD>.log` (see DailyLogFile).
   */
  file?: string;
  /** Days the files are kept; defaults to PLASS_LOG_RETENTION_DAYS, else 7. */
  retentionDays?: number;
  /** The clock that picks each line's file; tests move it. */
  now?: () => Date;
  /** Where lines go instead of stdout (tests read them back from here). */
  destination?: DestinationStream;
}

/**
 * How deep below the logged object a personal field name is still redacted: `email`,
 * `a.email`, ... up to four objects (or arrays) down, `a.b.c.d.email`. Each level adds one pino
 * redact path per name, so this trades coverage against per-line cost; log ids, not whole objects.
 */
export const REDACT_DEPTH = 4;
export const CENSOR = '[redacted]';

export function redactPaths(names: readonly string[] = personalFieldNames(), depth = REDACT_DEPTH): string[] {
  return names.flatMap((name) => Array.from({ length: depth + 1 }, (_, level) => `${'*.'.repeat(level)}${name}`));
}

/** Keys that hold a client's network address: logged shortened only (see shortenAddress). */
export const ADDRESS_FIELD_NAMES = ['ip', 'ips', 'clientIp', 'clientAddress', 'remoteAddress'] as const;
const ADDRESS_FIELDS = new Set<string>(ADDRESS_FIELD_NAMES);

/**
 * An address cut to the network it came from, as the logs may keep it: IPv4 with the last octet
 * zeroed (203.0.113.0), IPv6 to its /48 (2001:db8:85a3::/48). Anything else is censored.
 */
export function shortenAddress(value: unknown): string {
  if (typeof value !== 'string') return CENSOR;
  const address = value.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIPv4(address)) return address.replace(/\.\d+$/, '.0');
  const unscoped = address.split('%', 1)[0]!;
  if (!isIPv6(unscoped)) return CENSOR;
  const [head = '', tail = ''] = unscoped.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = unscoped.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 3)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

const censor = (value: unknown, path: string[]): unknown => {
  if (!ADDRESS_FIELDS.has(path[path.length - 1] ?? '')) return CENSOR;
  return Array.isArray(value) ? value.map(shortenAddress) : shortenAddress(value);
};

/** Keys of an error (or a DomainError value) that may hold what a client sent. */
const INPUT_BEARING_KEYS = new Set(['details', 'input']);

function withoutInputs(value: unknown, depth = 0): unknown {
  if (depth > 5 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => withoutInputs(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!INPUT_BEARING_KEYS.has(key)) out[key] = withoutInputs(inner, depth + 1);
  }
  return out;
}

export function serializeError(error: unknown): unknown {
  return withoutInputs(error instanceof Error ? pino.stdSerializers.err(error) : error);
}

function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  const spanContext = span?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** A pino logger that redacts every personal field name (see REDACT_DEPTH) and stamps trace ids. */
export function createLogger(options: LoggerOptions): Logger {
  const streams: DestinationStream[] = [options.destination ?? pino.destination(1)];
  if (options.file) {
    const retentionDays = options.retentionDays ?? logRetentionDays(process.env.PLASS_LOG_RETENTION_DAYS);
    streams.push(new DailyLogFile({ file: options.file, retentionDays, ...(options.now ? { now: options.now } : {}) }));
  }
  const destination = streams.length === 1 ? streams[0]! : pino.multistream(streams.map((stream) => ({ stream })));
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths([...personalFieldNames(), ...ADDRESS_FIELD_NAMES]), censor },
      serializers: { err: serializeError, error: serializeError },
      mixin: traceFields,
    },
    destination,
  );
}
