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
