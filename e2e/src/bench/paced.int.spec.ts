import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort } from '@plass/testing/nats-server';
import { pacedRun } from './paced.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

interface Seen {
  authorization: string | undefined;
  contentType: string | undefined;
  path: string | undefined;
  body: string;
}

/** A real HTTP server on a free port that records what it received and answers with `handler`. */
async function server(handler: Handler): Promise<{ url: string; seen: Seen[]; sockets: () => number; server: Server }> {
  const seen: Seen[] = [];
  let sockets = 0;
  const http = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ authorization: request.headers.authorization, contentType: request.headers['content-type'], path: request.url, body });
      handler(request, body, response);
    });
  });
  http.on('connection', () => (sockets += 1));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, seen, sockets: () => sockets, server: http };
}

/** Numbered bodies, each with its own token, so the server's log can be matched to them. */
function numbered() {
  let n = 0;
  return {
    next() {
      n += 1;
      return { token: `token-${n}`, body: JSON.stringify({ n, subject: 'Zoë’s “desk”' }) };
    },
  };
}

const quiet = () => {};
const servers: Server[] = [];
afterEach(async () => {
  for (const http of servers.splice(0)) {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
});

describe('pacedRun, the benchmark’s open-loop load generator', () => {
  it('sends every request once on at most `connections` sockets and counts answers by status, sized or chunked', async () => {
    const target = await server((_, body, response) => {
      const { n } = JSON.parse(body) as { n: number };
      if (n % 3 === 0) {
        response.writeHead(409, { 'content-type': 'application/problem+json' });
        response.write('{"code":');
        response.end('"booking.conflict"}'); // no content-length: chunked
      } else {
        response.writeHead(201, { 'content-type': 'application/json', 'content-length': 9 }).end('{"id":42}');
      }
    });
    servers.push(target.server);

    const figures = await pacedRun({ url: target.url, requests: numbered(), rate: 400, durationS: 0.5, connections: 4, title: 'test', progress: quiet });

    expect(target.seen).toHaveLength(200);
    expect(figures.booked).toBe(134);
    expect(figures.statuses).toEqual({ 409: 66 });
    expect(figures.non2xx).toBe(66);
    expect(figures.errors).toBe(0);
    expect(target.sockets()).toBeLessThanOrEqual(4);
    const bodies = target.seen.map((request) => JSON.parse(request.body) as { n: number; subject: string });
    expect(bodies.map((body) => body.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(bodies.every((body) => body.subject === 'Zoë’s “desk”')).toBe(true);
    for (const request of target.seen) {
      expect(request.path).toBe('/v1/bookings');
      expect(request.contentType).toBe('application/json');
      expect(request.authorization).toBe(`Bearer token-${(JSON.parse(request.body) as { n: number }).n}`);
    }
  });

  it('counts a request’s latency from when it was due, not from when a socket was free to send it', async () => {
    const answerAfterMs = 20;
    const target = await server((_, __, response) => {
      setTimeout(() => response.writeHead(201, { 'content-length': 0 }).end(), answerAfterMs);
    });
    servers.push(target.server);

    // 20 requests due 5 ms apart on one socket that answers each after 20 ms: the last is due at
    // 95 ms and answered no sooner than 20 × 20 = 400 ms, so it waited ≥ 300 ms.
    const figures = await pacedRun({ url: target.url, requests: numbered(), rate: 200, durationS: 0.1, connections: 1, title: 'test', progress: quiet });

    expect(figures.booked).toBe(20);
    expect(figures.p99).toBeGreaterThanOrEqual(20 * answerAfterMs - 95);
    expect(figures.p50).toBeGreaterThanOrEqual(10 * answerAfterMs - 45);
  });

  it('opens a new socket when the server closes one after its answer', async () => {
    const target = await server((_, __, response) => {
      response.writeHead(201, { connection: 'close', 'content-length': 2 }).end('{}');
    });
    servers.push(target.server);

    const figures = await pacedRun({ url: target.url, requests: numbered(), rate: 200, durationS: 0.2, connections: 2, title: 'test', progress: quiet });

    expect(figures.booked).toBe(40);
    expect(figures.errors).toBe(0);
    expect(target.sockets()).toBeGreaterThanOrEqual(40);
  });

  it('counts a request as an error when its socket drops before the answer, and goes on', async () => {
    let n = 0;
    const target = await server((request, _, response) => {
      n += 1;
      if (n % 4 === 0) request.socket.destroy();
      else response.writeHead(201, { 'content-length': 0 }).end();
    });
    servers.push(target.server);

    const figures = await pacedRun({ url: target.url, requests: numbered(), rate: 200, durationS: 0.2, connections: 2, title: 'test', progress: quiet });

    expect(figures.booked).toBe(30);
    expect(figures.errors).toBe(10);
  });

  it('ends with every request counted as an error when nothing listens', async () => {
    const port = await freePort();

    const figures = await pacedRun({ url: `http://127.0.0.1:${port}`, requests: numbered(), rate: 200, durationS: 0.1, connections: 3, title: 'test', progress: quiet });

    expect(figures.booked).toBe(0);
    expect(figures.errors).toBe(20);
  });
});
