import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { Bus } from '@plass/bus';
import { NatsKeyClient } from '@plass/shredder';
import { scanForPlaintext } from '@plass/testing';
import { gatewayClient } from './client.js';
import { startSystem, type System } from './system.js';

/** The kid sealing the DPO's name in the first contact the privacy event store holds. */
function firstDpoNameKid(dataDir: string): string {
  const db = new Database(join(dataDir, 'privacy', 'events.db'), { readonly: true });
  try {
    const row = db.prepare("SELECT data FROM events WHERE type = 'ControllerContactChanged' ORDER BY rowid LIMIT 1").get() as { data: string };
    return (JSON.parse(row.data) as { dpoName: { kid: string } }).dpoName.kid;
  } finally {
    db.close();
  }
}

const hosting = { name: 'Nordhost AS', purpose: 'hosting of the plass services and their stores', country: 'NO' };

/** GDPR Art. 30(1)(a): the record names the controller and its DPO, and lists plass's own processors next to the tenant's. */
describe('the controller and its DPO in the record of processing', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let employee: string;
  let tenantId: string;
  let keysBus: Bus;

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const first = {
    name: 'Fjordkontor AS',
    address: 'Strandgata 1, 0150 Oslo',
    email: 'privacy@fjordkontor.example',
    dpo: { name: 'Ingrid Vernombud', email: 'ingrid.vernombud@fjordkontor.example', phone: '+47 22 00 00 00' },
  };

  beforeAll(async () => {
    system = await startSystem({ platformSubProcessors: [hosting] });
    client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Fjordkontor', [{ email: 'emp@fjordkontor.example', displayName: 'Emil Ansatt', role: 'employee' }]);
    admin = tenant.adminToken;
    employee = tenant.users['emp@fjordkontor.example']!.token;
    tenantId = tenant.tenantId;
  }, 60_000);

  afterAll(async () => {
    await keysBus?.close();
    await system?.stop();
    system?.remove();
  });

  it('shows the admin-set contact and DPO to everyone, in the record, and shreds a replaced DPO', async () => {
    const unset = await call('GET', '/v1/privacy/controller', employee);
    expect({ status: unset.status, code: unset.body.code }).toEqual({ status: 404, code: 'privacy.controller_not_set' });
    const before = await call('GET', '/v1/privacy/processing-records', admin);
    expect(before.body.controller).toEqual({ tenantId, contact: null });

    expect((await call('PUT', '/v1/privacy/controller', employee, first)).status).toBe(403);
    const invalid = await call('PUT', '/v1/privacy/controller', admin, { ...first, dpo: { name: 'No Mail' } });
    expect({ status: invalid.status, code: invalid.body.code }).toEqual({ status: 400, code: 'validation.failed' });

    const set = await call('PUT', '/v1/privacy/controller', admin, first);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ tenantId, ...first });
    expect((await call('GET', '/v1/privacy/controller', employee)).body).toMatchObject(first);

    const record = await call('GET', '/v1/privacy/processing-records', admin);
    expect(record.body.controller).toEqual({ tenantId, contact: first });
    expect(record.body.platformSubProcessors).toEqual([hosting]);
    expect((record.body.activities as Array<{ purpose: string }>).map((activity) => activity.purpose)).toContain('controller_contact');

    // Sealed at rest, and gone for good once replaced.
    expect(scanForPlaintext(system.dataDir, [first.dpo.name, first.dpo.email])).toEqual([]);
    keysBus = await Bus.connect({ servers: system.natsUrl, name: 'key-check' });
    const keys = new NatsKeyClient({ request: (...args) => keysBus.request(...args), onBroadcast: () => undefined }, { ttlMs: 0 });
    const kid = firstDpoNameKid(system.dataDir);
    expect((await keys.keysById(tenantId, [kid])).get(kid)).toBeInstanceOf(Buffer);
    const next = { ...first, dpo: { email: 'dpo@fjordkontor.example' } };
    expect((await call('PUT', '/v1/privacy/controller', admin, next)).status).toBe(200);
    expect((await call('GET', '/v1/privacy/controller', employee)).body).toMatchObject(next);
    expect((await call('GET', '/v1/privacy/controller', employee)).body.dpo).toEqual({ email: 'dpo@fjordkontor.example' });
    expect((await keys.keysById(tenantId, [kid])).get(kid)).toBeNull();
  }, 60_000);
});
