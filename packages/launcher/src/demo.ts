import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoLogin {
  tenantId: string;
  email: string;
  password: string;
}

/** A synthetic account (the .invalid domain never receives mail), not a person's data. */
export const DEMO_EMAIL = 'admin@demo.plass.invalid';

const loginFile = (dataDir: string) => join(dataDir, 'demo-login.json');

/**
 * Creates the demo tenant with its admin on first start and keeps the generated login beside the
 * data (mode 0600), so later starts print the same login. Deleting the data dir starts over.
 */
export async function seedDemoTenant(options: { baseUrl: string; operatorToken: string; dataDir: string }): Promise<DemoLogin> {
  const file = loginFile(options.dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoLogin;
  const password = randomBytes(12).toString('base64url');
  const response = await fetch(`${options.baseUrl}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Demo', admin: { email: DEMO_EMAIL, displayName: 'Demo Admin', password } }),
  });
  if (response.status !== 201) throw new Error(`seeding the demo tenant failed: HTTP ${response.status}`);
  const { tenantId } = (await response.json()) as { tenantId: string };
  const login: DemoLogin = { tenantId, email: DEMO_EMAIL, password };
  writeFileSync(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  return login;
}
