import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@plass/telemetry';

/** A real gateway logger whose JSON lines stay in memory for assertions. */
export function capturingLogger(): { logger: Logger; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'gateway', level: 'debug', destination });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
