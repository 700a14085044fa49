import type { TokenResponse } from '@plass/contracts';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A thin HTTP client for the gateway, as a client app would use it. */
export function gatewayClient(baseUrl: string) {
  const call = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const login = async (tenantId: string, email: string, password: string): Promise<TokenResponse> => {
    const answer = await call('POST', '/v1/auth/token', { body: { tenantId, email, password } });
    if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as unknown as TokenResponse;
  };

  /** A tenant with an admin, and users of the given roles, each logged in. */
  const tenantWith = async (operatorToken: string, name: string, people: Array<{ email: string; displayName: string; role: string }>) => {
    const password = 'correct horse battery staple';
    const admin = { email: `admin@${name.toLowerCase()}.example`, displayName: `${name} Admin`, password };
    const created = await call('POST', '/v1/tenants', { token: operatorToken, body: { name, admin } });
    if (created.status !== 201) throw new Error(`tenant creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const { tenantId, adminUserId } = created.body as { tenantId: string; adminUserId: string };
    const adminToken = (await login(tenantId, admin.email, password)).accessToken;
    const users: Record<string, { id: string; token: string; email: string; displayName: string }> = {};
    for (const person of people) {
      const registered = await call('POST', '/v1/users', { token: adminToken, body: { ...person, password } });
      if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
      users[person.email] = { id: registered.body.id as string, token: (await login(tenantId, person.email, password)).accessToken, ...person };
    }
    return { tenantId, adminUserId, adminToken, admin, password, users };
  };

  return { call, login, tenantWith };
}
