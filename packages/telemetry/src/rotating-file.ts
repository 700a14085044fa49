import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export const DEFAULT_LOG_RETENTION_DAYS = 7;
const DAY_MS = 24 * 60 * 60_000;

export interface RotatingFileOptions {
  /** `logs/gateway.log` writes `logs/gateway.2026-12-06.log`, one file per UTC day. */
  path: string;
  /** Files of days more than this many days before today are deleted. */
  retentionDays: number;
  now: () => Date;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * A pino destination that writes each UTC day to its own file and deletes the files of days past
 * the retention, at start and whenever the day turns: logs are kept for days, not forever.
 * Writes are synchronous, so the last lines before a crash are on disk.
 */
export class RotatingFile {
  private readonly dir: string;
  private readonly stem: string;
  private readonly ext: string;
  private day = '';
  private fd: number | undefined;

  constructor(private readonly options: RotatingFileOptions) {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) throw new Error('log retention must be a whole number of days, at least 1');
    this.dir = dirname(options.path);
    this.ext = extname(options.path) || '.log';
    this.stem = basename(options.path, extname(options.path));
    mkdirSync(this.dir, { recursive: true });
    this.open(utcDay(options.now()));
  }

  /** The file written today. */
  get currentPath(): string {
    return join(this.dir, `${this.stem}.${this.day}${this.ext}`);
  }

  write(line: string): boolean {
    const today = utcDay(this.options.now());
    if (today !== this.day) this.open(today);
    writeSync(this.fd!, line);
    return true;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(day: string): void {
    this.close();
    this.day = day;
    this.fd = openSync(this.currentPath, 'a', 0o600);
    this.deleteExpired();
  }

  private deleteExpired(): void {
    const oldest = utcDay(new Date(Date.parse(`${this.day}T00:00:00Z`) - this.options.retentionDays * DAY_MS));
    const pattern = new RegExp(`^${this.stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{4}-\\d{2}-\\d{2})${this.ext.replace('.', '\\.')}$`);
    for (const name of readdirSync(this.dir)) {
      const day = pattern.exec(name)?.[1];
      // The unrotated file of earlier versions goes too: it held every day.
      if ((day !== undefined && day < oldest) || name === `${this.stem}${this.ext}`) rmSync(join(this.dir, name), { force: true });
    }
  }
}
