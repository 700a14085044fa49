import type { ErasureRequestView } from '@plass/contracts';
import { gatewayClient } from '../client.js';
import { percentile } from './paced.js';

export interface ErasureFigures {
  erased: number;
  refusedOrFailed: number;
  /** Request accepted → every service's receipt recorded, by the privacy service's clock, ms. */
  p50: number;
  p99: number;
  max: number;
}

const POLL_MS = 10;

/**
 * Erases `count` people one after another, each with a profile and two bookings ahead, the way a
 * privacy officer's requests arrive; the latency is the saga's own (requestedAt → completedAt).
 */
export async function erasureRun(options: {
  url: string;
  adminToken: string;
  count: number;
  /** Hands out booking bodies for free slots (JSON with spaceId, start, end, onBehalfOf). */
  nextBooking: () => { body: string };
  progress: (line: string) => void;
}): Promise<ErasureFigures> {
  const client = gatewayClient(options.url);
  const call = (method: string, path: string, body?: unknown) => client.call(method, path, { token: options.adminToken, body });
  const people: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const created = await call('POST', '/v1/users', { email: `leaver${i + 1}@bench.example`, displayName: `Bench Leaver ${i + 1}`, role: 'employee' });
    if (created.status !== 201) throw new Error(`POST /v1/users failed: ${created.status} ${JSON.stringify(created.body)}`);
    people.push(created.body.id as string);
  }
  for (const [i, personId] of people.entries()) {
    for (let b = 0; b < 2; b++) {
      const slot = JSON.parse(options.nextBooking().body) as Record<string, unknown>;
      const body = { ...slot, onBehalfOf: personId, subject: `Leaving chat ${i + 1}` };
      // Booking learns of new users from identity's events: a just-registered one may be unknown for a moment.
      for (let attempt = 0; ; attempt++) {
        const answer = await call('POST', '/v1/bookings', body);
        if (answer.status === 201) break;
        if (answer.body.code !== 'user.not_found' || attempt >= 100) {
          throw new Error(`booking for an erasure subject failed: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  }
  options.progress(`bench: ${options.count} people with two bookings each, erasing them one by one…`);

  const latencies: number[] = [];
  let refusedOrFailed = 0;
  for (const subjectId of people) {
    const requested = await call('POST', '/v1/privacy/erasure-requests', { subjectId });
    if (requested.status !== 202) throw new Error(`erasure request failed: ${requested.status} ${JSON.stringify(requested.body)}`);
    const id = (requested.body as unknown as ErasureRequestView).id;
    for (;;) {
      const view = (await call('GET', `/v1/privacy/erasure-requests/${id}`)).body as unknown as ErasureRequestView;
      if (view.status === 'completed' && view.completedAt) {
        latencies.push(Date.parse(view.completedAt) - Date.parse(view.requestedAt));
        break;
      }
      if (view.status === 'refused') {
        refusedOrFailed += 1;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  latencies.sort((a, b) => a - b);
  return { erased: latencies.length, refusedOrFailed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN };
}
