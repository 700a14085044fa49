import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import type { RunFigures } from './load.js';

/** The p-th percentile of ascending values (nearest rank); NaN for none. */
export const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);

/**
 * An open-loop run at a constant arrival rate: request i is due at `i / rate` seconds and its
 * latency counts from that moment, so a slow answer delays no later request and queueing in the
 * client is charged to plass (no coordinated omission). autocannon's rate limit releases each
 * second's quota at once, which measures bursts rather than an even rate.
 *
 * Requests go out on `connections` keep-alive sockets, one request at a time each (no
 * pipelining), written as bytes and read with http-parser-js, the parser autocannon uses. The
 * generator shares the machine's cores with plass, so its own cost counts: `node:http`'s client
 * took 0.22–0.30 ms of CPU per request on the benchmark's 2-core machine, this 0.11–0.15 ms.
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
  const total = Math.round(options.rate * options.durationS);
  const latencies: number[] = [];
  const timeline: string[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let answered = 0;
  let started = performance.now();
  const dueAt = (i: number) => started + (i * 1000) / options.rate;
  const head = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n`;
  const record = (due: number, status: number) => {
    answered += 1;
    const latency = performance.now() - due;
    if (options.timelineFile) timeline.push(`${(performance.timeOrigin + due).toFixed(1)} ${latency.toFixed(1)} ${status}`);
    if (status >= 200 && status < 300) latencies.push(latency);
    else statuses[status] = (statuses[status] ?? 0) + 1;
  };

  /** Requests due but waiting for a free connection, oldest first. */
  const waiting: number[] = [];
  const idle: Connection[] = [];
  let allAnswered: () => void = () => {};
  const settled = () => {
    if (answered + errors === total) allAnswered();
  };

  class Connection {
    private socket!: Socket;
    private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
    /** The due time of the request on the wire, or undefined when idle. */
    private due: number | undefined;
    private status = 0;
    private keepAlive = true;
    private connected = false;
    /** Settles when the first socket has connected or failed. */
    readonly opened: Promise<void>;
    private markOpened: () => void = () => {};

    constructor() {
      this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
        this.status = info.statusCode;
        this.keepAlive = info.shouldKeepAlive;
      };
      this.parser[HTTPParser.kOnMessageComplete] = () => {
        const due = this.due!;
        this.due = undefined;
        record(due, this.status);
        // An answer with `Connection: close` ends its socket: the next request goes on a new one.
        if (!this.keepAlive) this.reopen();
        this.next();
        settled();
      };
      this.opened = new Promise((resolve) => (this.markOpened = resolve));
      this.open();
    }

    private open() {
      this.socket = connect(Number(target.port), target.hostname);
      this.socket.setNoDelay(true);
      this.socket.once('connect', () => {
        this.connected = true;
        this.markOpened();
      });
      this.socket.on('data', (chunk) => this.parser.execute(chunk));
      this.socket.on('error', () => {});
      this.socket.once('close', () => {
        this.markOpened();
        if (closing) return;
        const lost = this.due !== undefined;
        this.due = undefined;
        if (lost) errors += 1;
        if (this.connected) {
          this.reopen();
          if (lost) this.next();
        } else {
          // A socket that never connected is not tried again; with none left, what waits fails.
          alive -= 1;
          const at = idle.indexOf(this);
          if (at >= 0) idle.splice(at, 1);
          if (alive === 0) errors += waiting.splice(0).length;
        }
        settled();
      });
    }

    private reopen() {
      this.socket.removeAllListeners().on('error', () => {});
      this.socket.destroy();
      this.connected = false;
      this.parser.reinitialize(HTTPParser.RESPONSE);
      this.open();
    }

    send(due: number) {
      const { token, body } = options.requests.next();
      this.due = due;
      this.socket.write(`${head}Content-Length: ${Buffer.byteLength(body)}\r\nAuthorization: Bearer ${token}\r\n\r\n${body}`);
    }

    /** Takes the oldest waiting request, or goes idle. */
    next() {
      const due = waiting.shift();
      if (due === undefined) idle.push(this);
      else this.send(due);
    }

    close() {
      this.socket.destroy();
    }
  }

  let closing = false;
  let alive = options.connections;
  const connections = Array.from({ length: options.connections }, () => new Connection());
  idle.push(...connections);
  // A client at a steady rate holds its keep-alive connections already: the clock starts once
  // they are open, so the run does not charge 50 TCP handshakes to its first requests.
  await Promise.all(connections.map((connection) => connection.opened));
  started = performance.now();
  const done = new Promise<void>((resolve) => (allAnswered = resolve));
  settled();

  let nextReport = 5;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && dueAt(sent) <= now) {
      const due = dueAt(sent++);
      const connection = idle.pop();
      if (connection) connection.send(due);
      else if (alive > 0) waiting.push(due);
      else {
        errors += 1;
        settled();
      }
    }
    if ((now - started) / 1000 >= nextReport && nextReport < options.durationS) {
      options.progress(`bench: ${options.title}: ${nextReport}s, ${answered} answers…`);
      nextReport += 5;
    }
    if (sent < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt(sent) - performance.now())));
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  closing = true;
  for (const connection of connections) connection.close();
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
