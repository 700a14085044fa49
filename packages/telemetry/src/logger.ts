import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { personalFieldNames } from './personal-field-names.js';
import { DEFAULT_LOG_RETENTION_DAYS, RotatingFile } from './rotating-file.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  /** Defaults to LOG_LEVEL, else 'info'. */
  level?: string;
  /**
   * Also append JSON lines to a file per UTC day: `logs/<service>.log` writes
   * `logs/<service>.<YYYY-MM-DD>.log`, deleted after `retentionDays`.
   */
  file?: string;
  /** Days a log file is kept; default PLASS_LOG_RETENTION_DAYS, else 7. */
  retentionDays?: number;
  /** The clock of the file rotation (tests move it). */
  now?: () => Date;
  /** Where lines go instead of stdout (tests read them back from here). */
  destination?: DestinationStream;
}

function retentionDaysFromEnv(): number {
  const value = process.env.PLASS_LOG_RETENTION_DAYS;
  if (value === undefined || value === '') return DEFAULT_LOG_RETENTION_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) throw new Error(`PLASS_LOG_RETENTION_DAYS must be a whole number of days, at least 1, not ${JSON.stringify(value)}`);
  return days;
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
    streams.push(
      new RotatingFile({ path: options.file, retentionDays: options.retentionDays ?? retentionDaysFromEnv(), now: options.now ?? (() => new Date()) }),
    );
  }
  const destination = streams.length === 1 ? streams[0]! : pino.multistream(streams.map((stream) => ({ stream })));
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths(), censor: CENSOR },
      serializers: { err: serializeError, error: serializeError },
      mixin: traceFields,
    },
    destination,
  );
}
