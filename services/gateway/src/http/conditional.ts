import { HttpProblem } from './problem.js';

export const IF_MATCH_HEADER = 'if-match';
/** A strong entity tag holding a version: `"3"`. */
const VERSION_TAG = /^"(\d{1,15})"$/;

/** A resource's version as its `ETag`. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * `If-Match` as the version a change is meant for: undefined when absent or `*` (any current
 * version). A weak tag (which If-Match never matches, RFC 9110 §13.1.1), a list, or anything not
 * one of our tags is 400: a client only ever holds one ETag of a resource.
 */
export function ifMatchOf(headers: Record<string, string | string[] | undefined>): number | undefined {
  const value = headers[IF_MATCH_HEADER];
  if (value === undefined) return undefined;
  const tag = typeof value === 'string' ? value.trim() : undefined;
  if (tag === '*') return undefined;
  const match = tag === undefined ? null : VERSION_TAG.exec(tag);
  if (!match) {
    throw new HttpProblem('validation.failed', { errors: [{ path: `headers.${IF_MATCH_HEADER}`, message: 'must be one ETag of the resource, e.g. "3", or *' }] });
  }
  return Number(match[1]);
}
