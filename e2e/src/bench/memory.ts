import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Memory {
  /** Resident set now, in bytes. */
  rss: number;
  /** Peak resident set since start (VmHWM), in bytes. */
  peak: number;
}

/** Linux only: undefined when the process is gone or /proc is not there. */
export function memoryOf(pid: number): Memory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  const rss = kib('VmRSS');
  const peak = kib('VmHWM');
  return Number.isNaN(rss) || Number.isNaN(peak) ? undefined : { rss, peak };
}

export const megabytes = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

/** CPU time (user + system) the process has used, in seconds; undefined when it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The whole machine's CPU time (Linux /proc/stat, in ticks). */
export interface MachineTicks {
  total: number;
  idle: number;
  /** Time the hypervisor ran something else while this machine's CPUs wanted to run. */
  steal: number;
}

/** The whole machine's CPU time so far; undefined where /proc/stat is missing or not as expected. */
export function machineTicks(): MachineTicks | undefined {
  try {
    // cpu user nice system idle iowait irq softirq steal …
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 8 || !fields.slice(0, 8).every(Number.isFinite)) return undefined;
    const total = fields.slice(0, 8).reduce((sum, ticks) => sum + ticks, 0);
    return { total, idle: fields[3]! + fields[4]!, steal: fields[7]! };
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds one core takes for a fixed piece of work (a chain of 100,000 SHA-256 hashes): a
 * virtual machine's speed can change between runs while it reports no stolen time, and a figure
 * is only comparable with another taken at the same probe reading.
 */
export function speedProbe(): number {
  const started = performance.now();
  let digest = Buffer.alloc(32);
  for (let i = 0; i < 100_000; i += 1) digest = createHash('sha256').update(digest).digest();
  return performance.now() - started;
}

/** USER_HZ, 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
