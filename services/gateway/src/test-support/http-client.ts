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

export const identityHeaders = ({ tenantId, userId, roles }: Caller): Record<string, string> => ({
  'x-plass-tenant': tenantId,
  'x-plass-user': userId,
  'x-plass-roles': roles.join(','),
});

/** Real HTTP against a listening gateway. A string body is sent as JSON unless a content type is given. */
export function httpClient(baseUrl: string) {
  return async function call(
    method: string,
    path: string,
    options: { as?: Caller; headers?: Record<string, string>; body?: string | Uint8Array; json?: unknown } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...(options.as ? identityHeaders(options.as) : {}) };
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    Object.assign(headers, options.headers);
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  };
}
