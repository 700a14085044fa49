import { HttpException } from '@nestjs/common';
import { DomainFailure, problemCatalog, SeriesOccurrenceOutcome, type ErrorCode } from '@plass/contracts';
import { HttpProblem, problemBody, type FieldError, type ProblemBody } from './problem.js';
import { methodsAt } from './route-table.js';

export interface RequestLine {
  method: string;
  /** Without the query string. */
  path: string;
}

export interface MappedProblem {
  body: ProblemBody;
  headers: Record<string, string>;
  /** Set when the error is a fault of ours: it is logged, and the client learns nothing of it. */
  unexpected?: unknown;
}

/** Fastify's own request errors (body parsing, router) by code. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.malformed',
};

interface ClientError {
  code?: unknown;
  statusCode: number;
}
const isClientError = (error: unknown): error is ClientError => {
  const statusCode = error instanceof Error ? (error as Partial<ClientError>).statusCode : undefined;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
};

const isErrorList = (value: unknown): value is FieldError[] =>
  Array.isArray(value) && value.every((item: Partial<FieldError> | null | undefined) => typeof item?.path === 'string' && typeof item?.message === 'string');

function fromDomainFailure({ error }: DomainFailure): HttpProblem {
  // A service's 5xx message describes its internals, not the client's request.
  if (problemCatalog[error.code].status >= 500) return new HttpProblem(error.code);
  const errors = error.details?.errors;
  const occurrences = SeriesOccurrenceOutcome.array().safeParse(error.details?.occurrences);
  const retryAfter = error.details?.retryAfterSeconds;
  return new HttpProblem(error.code, {
    detail: error.message,
    ...(isErrorList(errors) ? { errors } : {}),
    // A refused series says which of its occurrences fit and why the others did not.
    ...(error.code === 'booking.series_refused' && occurrences.success ? { occurrences: occurrences.data } : {}),
    // A service's rate limit (identity's failed-login counts) tells the client when to try again.
    ...(typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter > 0 ? { headers: { 'retry-after': String(retryAfter) } } : {}),
  });
}

function routeMiss({ method, path }: RequestLine): HttpProblem {
  const allowed = methodsAt(path);
  if (allowed.length > 0 && !allowed.includes(method)) {
    return new HttpProblem('method.not_allowed', { headers: { allow: allowed.join(', ') } });
  }
  return new HttpProblem('route.not_found');
}

function classify(error: unknown, request: RequestLine): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainFailure) return fromDomainFailure(error);
  // Nest wraps Fastify's 4xx errors; its own not-found handler throws a bare 404.
  if (error instanceof HttpException) {
    if (error.cause !== undefined) return classify(error.cause, request);
    if (error.getStatus() === 404) return routeMiss(request);
    return error.getStatus() < 500 ? new HttpProblem('request.malformed') : undefined;
  }
  if (isClientError(error)) {
    const code = typeof error.code === 'string' ? fastifyCodes[error.code] : undefined;
    if (code) return new HttpProblem(code);
    if (error.statusCode === 413) return new HttpProblem('request.too_large');
    if (error.statusCode === 415) return new HttpProblem('request.unsupported_media_type');
    return new HttpProblem('request.malformed');
  }
  return undefined;
}

/** Every error the gateway can meet, as the one problem+json answer it gives for it. */
export function toProblem(error: unknown, request: RequestLine): MappedProblem {
  const problem = classify(error, request);
  if (!problem) return { body: problemBody('internal.error', request.path), headers: {}, unexpected: error };
  return { body: problemBody(problem.code, request.path, problem.extras), headers: problem.extras.headers ?? {} };
}
