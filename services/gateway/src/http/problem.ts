import { problemCatalog, type ErrorCode, type Problem, type SeriesOccurrenceOutcome } from '@plass/contracts';
import type { z } from 'zod';

export type ProblemBody = z.infer<typeof Problem>;
export interface FieldError {
  path: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
export const problemType = (code: ErrorCode): string => `https://plass.dev/problems/${code}`;

export interface ProblemExtras {
  detail?: string;
  errors?: FieldError[];
  /** `booking.series_refused`: each occurrence's outcome. */
  occurrences?: SeriesOccurrenceOutcome[];
  /** Response headers that belong to the problem, e.g. `Allow` on 405. */
  headers?: Record<string, string>;
}

/** A problem the gateway answers on purpose; anything else that is thrown is a 500. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly extras: ProblemExtras = {},
  ) {
    super(code);
    this.name = 'HttpProblem';
  }
}

export function problemBody(code: ErrorCode, instance: string, extras: ProblemExtras = {}): ProblemBody {
  const { status, title } = problemCatalog[code];
  return {
    type: problemType(code),
    title,
    status,
    code,
    ...(extras.detail ? { detail: extras.detail } : {}),
    instance,
    ...(extras.errors && extras.errors.length > 0 ? { errors: extras.errors } : {}),
    ...(extras.occurrences ? { occurrences: extras.occurrences } : {}),
  };
}
