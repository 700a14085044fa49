import { randomUUID } from 'node:crypto';
import type { Role } from '@plass/contracts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface Caller {
  tenantId: string;
  userId: string;
  roles: Role[];
}

export const caller = (roles: Role[], tenantId: string = randomUUID()): Caller => ({ tenantId, userId: randomUUID(), roles });

/** Signs an access token for a caller (see `IdentityStub.tokenFor`). */
export type TokenSource = (caller: Caller) => Promise<string>;

/**
 * Real HTTP against a listening gateway. `as` sends a bearer token for that caller; a string body is
 * sent as JSON unless a content type is given.
 */
export function httpClient(baseUrl: string, tokenFor?: TokenSource) {
  return async function call(
    method: string,
    path: string,
    options: { as?: Caller; headers?: Record<string, string>; body?: string | Uint8Array; json?: unknown } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (options.as) {
      if (!tokenFor) throw new Error('httpClient needs a token source to call as someone');
      headers.authorization = `Bearer ${await tokenFor(options.as)}`;
    }
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers);
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  };
}
