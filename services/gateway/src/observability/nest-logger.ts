import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@plass/telemetry';

const text = (message: unknown): string => (typeof message === 'string' ? message : String(message));

/** Nest's own messages through the service's pino logger (so they reach the log file, redacted). */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown): void {
    this.logger.debug({ component: 'nest' }, text(message));
  }
  error(message: unknown, stack?: unknown): void {
    this.logger.error({ component: 'nest', ...(typeof stack === 'string' ? { stack } : {}) }, text(message));
  }
  warn(message: unknown): void {
    this.logger.warn({ component: 'nest' }, text(message));
  }
  debug(message: unknown): void {
    this.logger.debug({ component: 'nest' }, text(message));
  }
  verbose(message: unknown): void {
    this.logger.trace({ component: 'nest' }, text(message));
  }
}
