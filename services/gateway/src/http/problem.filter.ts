import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@plass/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER } from '../tokens.js';
import { routeIdOf } from '../observability/request-telemetry.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { toProblem } from './to-problem.js';

export const pathOf = (url: string): string => url.split('?', 1)[0] ?? '/';

/**
 * An unexpected error as it may be logged: its type and where it was thrown. Its message is left
 * out, as it may quote whatever value broke the code, personal or not.
 */
export function faultOf(error: unknown): { type: string; code?: string; frames?: string[] } {
  if (!(error instanceof Error)) return { type: error === null ? 'null' : typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    frames: (error.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 10)
      .map((line) => line.trim()),
  };
}

/** Answers `error` as problem+json; a fault of ours is logged without anything a client sent. */
export function replyWithProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const { body, headers, unexpected } = toProblem(error, { method: request.method, path: pathOf(request.url) });
  if (unexpected !== undefined) {
    logger.error({ fault: faultOf(unexpected), route: routeIdOf(request), correlationId: request.id }, 'request failed unexpectedly');
  }
  if (reply.sent) return;
  void reply
    .status(body.status)
    .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': request.id })
    .send(JSON.stringify(body));
}

/** The one place errors become HTTP answers: Nest hands it every throw, Fastify's parse errors and 404s. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    replyWithProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
