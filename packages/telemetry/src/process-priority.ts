import { setPriority } from 'node:os';
import type { Logger } from './logger.js';

/** The lowest priority a process can ask for (Linux and macOS nice values run 0 … 19 upwards). */
export const MAX_NICE = 19;

/**
 * `PLASS_NICE`: the scheduling priority (nice value, 0 … 19) a service runs at. Where several
 * services share a machine's cores (`npm start`, one VM), those whose output may lag by seconds —
 * analytics' projections, notification's mails — run at a lower priority than the request path,
 * so a burst of their work waits instead of delaying bookings (ADR 0020). It applies to the
 * process's main thread, where its JavaScript runs, and to threads started after it. Under
 * Kubernetes each pod has its own CPU share and this changes nothing; set CPU requests there.
 */
export function parseNice(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_NICE) throw new RangeError(`PLASS_NICE must be a whole number from 0 to ${MAX_NICE}, got "${raw}"`);
  return value;
}

/** Applies `PLASS_NICE` to this process; a platform that refuses is logged, and the service runs on at its priority. */
export function applyNice(env: NodeJS.ProcessEnv, logger: Logger): number | undefined {
  const nice = parseNice(env.PLASS_NICE);
  if (nice === undefined) return undefined;
  try {
    setPriority(nice);
    return nice;
  } catch (error) {
    logger.warn({ err: error, nice }, 'could not lower the process priority (PLASS_NICE); running at the inherited one');
    return undefined;
  }
}
