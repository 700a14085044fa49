import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { RunFigures } from './load.js';

/** The p-th percentile of ascending values (nearest rank); NaN for none. */
export const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);

/**
 * An open-loop run at a constant arrival rate: request i is due at `i / rate` seconds and its
 * latency counts from that moment, so a slow answer delays no later request and queueing in the
 * client is charged to plass (no coordinated omission). autocannon's rate limit releases each
 * second's quota at once, which measures bursts rather than an even rate.
 */
export async function pacedRun(options: {
  url: string;
  requests: { next(): { token: string; body: string } };
  rate: number;
  durationS: number;
  connections: number;
  title: string;
  progress: (line: string) => void;
  /** Where to write each request's due time (epoch ms), latency (ms) and status, a line each. */
  timelineFile?: string;
}): Promise<RunFigures> {
  const target = new URL(`${options.url}/v1/bookings`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.durationS);
  const latencies: number[] = [];
  const timeline: string[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  const dueAt = (i: number) => started + (i * 1000) / options.rate;

  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const { token, body } = options.requests.next();
      const req = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          res.once('end', () => {
            answered += 1;
            const status = res.statusCode ?? 0;
            const latency = performance.now() - due;
            if (options.timelineFile) timeline.push(`${(performance.timeOrigin + due).toFixed(1)} ${latency.toFixed(1)} ${status}`);
            if (status >= 200 && status < 300) latencies.push(latency);
            else statuses[status] = (statuses[status] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.once('error', () => {
        errors += 1;
        resolve();
      });
      req.end(body);
    });

  const inFlight: Array<Promise<void>> = [];
  let nextReport = 5;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && dueAt(sent) <= now) inFlight.push(send(dueAt(sent++)));
    if ((now - started) / 1000 >= nextReport && nextReport < options.durationS) {
      options.progress(`bench: ${options.title}: ${nextReport}s, ${answered} answers…`);
      nextReport += 5;
    }
    if (sent < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt(sent) - performance.now())));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (options.timelineFile) writeFileSync(options.timelineFile, `${timeline.join('\n')}\n`);
  latencies.sort((a, b) => a - b);
  const non2xx = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    seconds,
    booked: latencies.length,
    bookedPerSecond: latencies.length / seconds,
    non2xx,
    statuses,
    errors,
    timeouts: 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
