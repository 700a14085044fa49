import type { z } from 'zod';
import { HttpProblem, type FieldError } from './problem.js';

export type InputLocation = 'params' | 'query' | 'body';

/** A hostile body can hold thousands of bad fields; the first ones are enough to fix a request. */
const MAX_ERRORS = 20;
const MAX_PATH_LENGTH = 200;

const clip = (path: string): string => (path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path);

/** Zod issues as `{path, message}` rooted at the input's location; never the offending values. */
export function fieldErrors(error: z.ZodError, location: InputLocation): FieldError[] {
  const errors = error.issues.flatMap((issue): FieldError[] => {
    const base = [location, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: clip([...base, key].join('.')), message: 'unknown field' }));
    }
    return [{ path: clip(base.join('.')), message: issue.message }];
  });
  return errors.slice(0, MAX_ERRORS);
}

/** Parses one part of a request with its contract schema, or throws 400 `validation.failed`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: InputLocation): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new HttpProblem('validation.failed', { errors: fieldErrors(result.error, location) });
}
