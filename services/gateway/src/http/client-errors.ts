import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@plass/contracts';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';

/** What node's `clientError` hands over: `rawPacket` is the chunk being parsed when it failed. */
type ParserError = Error & { code?: string; rawPacket?: unknown };

/**
 * Node's HTTP parser refuses some requests before any route, hook or Nest filter sees them. Each
 * still gets a problem+json answer: a request line alone over the header limit is a URI too long
 * (414), other header overflows are 431, anything else unparsable is 400.
 */
export function problemForClientError(error: ParserError): ErrorCode {
  if (error.code !== 'HPE_HEADER_OVERFLOW') return 'request.malformed';
  const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
  const requestLineUnfinished = packet !== undefined && /^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1')) && !packet.includes('\r\n');
  return requestLineUnfinished ? 'request.uri_too_long' : 'request.headers_too_large';
}

export function answerClientError(error: ParserError, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  // No instance: the path is what could not be read.
  const { instance: _unread, ...problem } = problemBody(problemForClientError(error), '');
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
