import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const DEFAULT_LOG_RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

export interface DailyLogFileOptions {
  /** `<dir>/<name>.log` names the log: its lines go to `<dir>/<name>.<YYYY-MM-DD>.log`, one file per UTC day. */
  file: string;
  /** Whole days a file is kept, today's included: at 7, the day-D file is deleted at D + 7 days, 00:00 UTC. */
  retentionDays: number;
  now?: () => Date;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const nextUtcMidnight = (ms: number) => (Math.floor(ms / DAY_MS) + 1) * DAY_MS;

/** PLASS_LOG_RETENTION_DAYS: a whole number of days, at least 1; unset means 7. */
export function logRetentionDays(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_LOG_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) throw new Error(`PLASS_LOG_RETENTION_DAYS must be a whole number of days, at least 1, got "${raw}"`);
  return days;
}

/**
 * A pino destination that appends each line synchronously (the last lines before a crash are on
 * disk) to the file of the current UTC day, and deletes the log's files past the retention when it
 * opens, at each new day, and at midnight even when nothing is logged. Lines are never held back:
 * replicas of one service may share the files (appends of whole lines).
 */
export class DailyLogFile {
  private readonly dir: string;
  private readonly name: string;
  private readonly now: () => number;
  private fd: number | undefined;
  private dayEndsAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DailyLogFileOptions) {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) throw new Error(`retentionDays must be a whole number ≥ 1, got ${options.retentionDays}`);
    this.dir = dirname(options.file);
    this.name = basename(options.file, '.log');
    this.now = options.now ? () => options.now!().getTime() : Date.now;
    mkdirSync(this.dir, { recursive: true });
    this.open(this.now());
  }

  /** The file lines written now go to. */
  get path(): string {
    return join(this.dir, `${this.name}.${utcDay(this.dayEndsAt - 1)}.log`);
  }

  write(line: string): void {
    const now = this.now();
    if (now >= this.dayEndsAt) this.open(now);
    writeSync(this.fd!, line);
  }

  /** What the midnight timer runs: a new day's file and the pruning, without waiting for a line. */
  tick(): void {
    const now = this.now();
    if (now >= this.dayEndsAt) this.open(now);
    else this.schedule(now);
  }

  close(): void {
    clearTimeout(this.timer);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(now: number): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.dayEndsAt = nextUtcMidnight(now);
    this.fd = openSync(this.path, 'a', 0o640);
    this.prune(now);
    this.schedule(now);
  }

  private schedule(now: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(1000, this.dayEndsAt - now));
    this.timer.unref();
  }

  private prune(now: number): void {
    const oldestKept = utcDay(now - (this.options.retentionDays - 1) * DAY_MS);
    const dated = new RegExp(`^${this.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{4}-\\d{2}-\\d{2})\\.log$`);
    for (const entry of readdirSync(this.dir)) {
      const day = dated.exec(entry)?.[1];
      // The undated file of releases before daily files: by its last write.
      const expired = day !== undefined ? day < oldestKept : entry === `${this.name}.log` && this.modifiedBefore(entry, now - this.options.retentionDays * DAY_MS);
      if (!expired) continue;
      try {
        unlinkSync(join(this.dir, entry));
      } catch (error) {
        // Another replica of the service may have deleted it first; anything else must not stop logging.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') process.stderr.write(`could not delete expired log file ${join(this.dir, entry)}: ${code}\n`);
      }
    }
  }

  private modifiedBefore(entry: string, ms: number): boolean {
    try {
      return statSync(join(this.dir, entry)).mtimeMs < ms;
    } catch {
      return false;
    }
  }
}
