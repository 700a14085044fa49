import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problemCatalog, type ErrorCode } from '@plass/contracts';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';

/** How long a refused connection's remaining request bytes are read (and dropped) before it is cut. */
const DRAIN_MS = 1000;
const REQUEST_LINE = /^[A-Z]+ \S* HTTP\/\d\.\d$/;
/** Above this, a complete request line in the overflowing chunk is what made it overflow. */
const LONG_REQUEST_LINE = 8 * 1024;

const answered = new WeakSet<Socket>();

/**
 * Which limit the request broke, from the chunk the parser choked on: a chunk without a line end,
 * or one that opens with (the tail of) a long request line, is the URI; anything else the header fields.
 */
export function overflowCode(rawPacket: unknown): ErrorCode {
  const text = Buffer.isBuffer(rawPacket) ? rawPacket.toString('latin1') : '';
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) return 'http.uri_too_long';
  const first = text.slice(0, lineEnd);
  if (REQUEST_LINE.test(first)) return first.length > LONG_REQUEST_LINE ? 'http.uri_too_long' : 'http.headers_too_large';
  return !first.includes(':') && / HTTP\/\d\.\d$/.test(first) ? 'http.uri_too_long' : 'http.headers_too_large';
}

/**
 * Fastify's `clientErrorHandler`: errors the HTTP parser meets before there is a request. The answer
 * is problem+json, and the connection is half-closed and read to its end rather than destroyed, so
 * that a client still sending its oversized head reads the answer instead of a reset.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (answered.has(socket)) return;
  answered.add(socket);
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW' ? overflowCode(error.rawPacket) : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'http.request_timeout' : 'request.malformed';
  const { status } = problemCatalog[code];
  const body = JSON.stringify(problemBody(code, '/'));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.end();
  socket.resume();
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}
