import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { personalFieldNames } from './personal-field-names.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  /** Defaults to LOG_LEVEL, else 'info'. */
  level?: string;
  /** Also append JSON lines to this file (e.g. `${PLASS_DATA_DIR}/logs/<service>.log`). */
  file?: string;
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
    mkdirSync(dirname(options.file), { recursive: true });
    // Synchronous so the last lines before a crash are on disk; service log volume is low.
    streams.push(pino.destination({ dest: options.file, sync: true }));
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
