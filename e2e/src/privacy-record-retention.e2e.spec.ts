import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@plass/testing';
import { gatewayClient } from './client.js';
import { startSystem, type System } from './system.js';

const DAY = 86_400_000;

/** The privacy audit log and the records of finished requests are kept three years, then deleted; erasure stays. */
describe('retention of the privacy records', () => {
  let system: System;
  let client: ReturnType<typeof gatewayClient>;
  let admin: string;
  let dpo: string;
  let staying: { id: string; token: string };
  let leaving: { id: string; token: string };

  const call = (method: string, path: string, token: string, body?: unknown) => client.call(method, path, { token, body });
  const completed = (path: string, token: string) =>
    waitFor(
      async () => {
        const answer = await call('GET', path, token);
        return answer.body.status === 'completed' ? answer : undefined;
      },
      { what: `${path} to complete` },
    );
  const auditAround = async (at: Date) => {
    const window = `from=${encodeURIComponent(new Date(at.getTime() - DAY).toISOString())}&to=${encodeURIComponent(new Date(at.getTime() + DAY).toISOString())}`;
    return (await call('GET', `/v1/privacy/audit-log?${window}`, dpo)).body.items as Array<{ operation: string; details?: Record<string, unknown> }>;
  };

  beforeAll(async () => {
    system = await startSystem();
    client = gatewayClient(system.url);
    const tenant = await client.tenantWith(system.operatorToken, 'Records', [
      { email: 'stay@records.example', displayName: 'Stian Stays', role: 'employee' },
      { email: 'leave@records.example', displayName: 'Lena Leaves', role: 'employee' },
      { email: 'dpo@records.example', displayName: 'Dag Officer', role: 'privacy_officer' },
    ]);
    admin = tenant.adminToken;
    dpo = tenant.users['dpo@records.example']!.token;
    staying = tenant.users['stay@records.example']!;
    leaving = tenant.users['leave@records.example']!;
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    system?.remove();
  });

  it('deletes audit days and finished requests after 1095 days, and the erased person stays erased', async () => {
    const exported = await call('POST', '/v1/privacy/export-requests', staying.token, { subjectId: staying.id });
    const exportPath = `/v1/privacy/export-requests/${exported.body.id as string}`;
    await completed(exportPath, staying.token);
    const erasure = await call('POST', '/v1/privacy/erasure-requests', dpo, { subjectId: leaving.id });
    const erasurePath = `/v1/privacy/erasure-requests/${erasure.body.id as string}`;
    await completed(erasurePath, dpo);
    await system.privacy.settled();
    const today = new Date();
    expect((await auditAround(today)).map((entry) => entry.operation)).toEqual(expect.arrayContaining(['export.completed', 'erasure.completed']));

    // A day short of three years nothing goes.
    system.advancePrivacyClock(1094 * DAY);
    expect(await system.privacy.expireRecords()).toEqual({ auditDays: 0, requests: 0 });
    expect((await call('GET', exportPath, staying.token)).status).toBe(200);

    system.advancePrivacyClock(2 * DAY);
    const expired = await system.privacy.expireRecords();
    expect(expired.requests).toBe(2);
    expect(expired.auditDays).toBeGreaterThanOrEqual(1);
    expect(await system.privacy.expireRecords()).toEqual({ auditDays: 0, requests: 0 });

    for (const [path, token] of [
      [exportPath, staying.token],
      [erasurePath, dpo],
    ] as const) {
      const gone = await call('GET', path, token);
      expect({ status: gone.status, code: gone.body.code }).toEqual({ status: 404, code: 'privacy.request_not_found' });
    }
    expect((await call('GET', '/v1/privacy/requests', dpo)).body.items).toEqual([]);
    expect(await auditAround(today)).toEqual([]);
    const later = new Date(Date.now() + 1096 * DAY);
    expect((await auditAround(later)).filter((entry) => entry.operation === 'records.expired')).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ requests: 2 }) }),
    ]);

    const hold = await call('POST', '/v1/privacy/legal-holds', admin, { subjectId: leaving.id, reason: 'litigation' });
    expect({ status: hold.status, code: hold.body.code }).toEqual({ status: 410, code: 'privacy.subject_erased' });
  }, 60_000);
});
