/** The slice of a pino logger the bus uses, so the bus does not pin a logger implementation. */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export const silentLogger: BusLogger = { info: () => {}, warn: () => {}, error: () => {} };
