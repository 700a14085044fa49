/** Longer than any access token identity signs: nothing longer is worth verifying. */
const MAX_TOKEN_LENGTH = 4096;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export type BearerToken = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'token'; token: string };

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 b64token syntax). */
export function bearerTokenOf(header: string | string[] | undefined): BearerToken {
  if (header === undefined || header === '') return { kind: 'missing' };
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 10) return { kind: 'malformed' };
  const token = BEARER.exec(header)?.[1];
  return token === undefined || token.length > MAX_TOKEN_LENGTH ? { kind: 'malformed' } : { kind: 'token', token };
}
