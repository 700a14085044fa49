import autocannon from 'autocannon';
import { slotAt, firstSlotStart } from './slots.js';

export interface RunFigures {
  seconds: number;
  /** 2xx answers: bookings made. */
  booked: number;
  bookedPerSecond: number;
  non2xx: number;
  /** Answers other than 2xx by status code, e.g. `{ 409: 3 }`. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Latency of 2xx answers, ms. */
  p50: number;
  p99: number;
}

/** Hands out booking bodies for distinct (space, slot) pairs across every run of one bench. */
export function bookingRequests(seeded: { spaceIds: readonly string[]; tokens: readonly string[]; peopleIds: readonly string[] }, now = new Date()) {
  const { spaceIds, tokens, peopleIds } = seeded;
  const from = firstSlotStart(now);
  let k = 0;
  return {
    next(): { token: string; body: string } {
      const slot = slotAt(k, spaceIds, from);
      const token = tokens[k % tokens.length]!;
      const onBehalfOf = peopleIds[k % peopleIds.length]!;
      k += 1;
      return { token, body: JSON.stringify({ ...slot, onBehalfOf, subject: 'Load test' }) };
    },
  };
}

export type BookingRequests = ReturnType<typeof bookingRequests>;

export async function bookingRun(options: {
  url: string;
  requests: BookingRequests;
  connections: number;
  durationS: number;
  title: string;
  progress: (line: string) => void;
}): Promise<RunFigures> {
  let answered = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.url}/v1/bookings`,
        title: options.title,
        connections: options.connections,
        duration: options.durationS,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => {
              const { token, body } = options.requests.next();
              return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` }, body };
            },
          },
        ],
      },
      (error: unknown, finished: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(finished)),
    );
    instance.on('response', () => (answered += 1));
    let second = 0;
    instance.on('tick', () => {
      second += 1;
      if (second % 5 === 0 && second < options.durationS) options.progress(`bench: ${options.title}: ${second}s, ${answered} answers…`);
    });
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (!code.startsWith('2') && stat.count) statuses[code] = stat.count;
  }
  return {
    seconds: result.duration,
    booked: result['2xx'],
    bookedPerSecond: result['2xx'] / result.duration,
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
