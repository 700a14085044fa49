import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, type RunningGateway } from '@plass/gateway';
import { gatewayClient } from './client.js';
import { startSystem, type System } from './system.js';

const COLLEAGUES = 40;
const OFFICE = '203.0.113.7';
const ADDRESS_LIMIT = 12;

/**
 * Login protection counts failures, not logins: an office behind one NAT address signs in all
 * morning, while guessing is stopped per account (from any address) and per address (whichever
 * accounts it names), with the count shared by every gateway replica since identity keeps it.
 */
describe('login throttling through the gateway', () => {
  let system: System;
  let second: RunningGateway;
  let tenantId: string;
  let password: string;
  let emails: string[];

  const login = (base: string, from: string, email: string, secret: string) =>
    gatewayClient(base).call('POST', '/v1/auth/token', { body: { tenantId, email, password: secret }, headers: { 'x-forwarded-for': from } });

  beforeAll(async () => {
    // The gateways' own flood guard at its default; identity's address limit low enough to reach quickly.
    system = await startSystem({ gateway: { loginThrottle: {}, trustProxy: true }, identityLoginThrottle: { maxAddressFailures: ADDRESS_LIMIT } });
    second = await startGateway({ natsUrl: system.natsUrl, port: 0, host: '127.0.0.1', trustProxy: true });
    const people = Array.from({ length: COLLEAGUES }, (_, n) => ({ email: `colleague${n}@nat.example`, displayName: `Colleague ${n}`, role: 'employee' }));
    const tenant = await gatewayClient(system.url).tenantWith(system.operatorToken, 'Nat', people);
    ({ tenantId, password } = tenant);
    emails = people.map((person) => person.email);
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await system?.stop();
    system?.remove();
  });

  it('lets 200 successful logins from one address within a minute all through', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 200 / COLLEAGUES; round++) {
      statuses.push(...(await Promise.all(emails.map((email) => login(system.url, OFFICE, email, password)))).map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(statuses).toHaveLength(200);
  }, 120_000);

  it('stops 30 wrong passwords for one account from rotating addresses after 5, whatever the gateway', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 30; n++) {
      const answer = await login(n % 2 === 0 ? system.url : second.url, `198.51.100.${n + 1}`, emails[0]!, `wrong password number ${n}`);
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.body.code).toBe('auth.rate_limited');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(25).fill(429)]);
    // Someone else in the office is not held back by the guesses at that account.
    expect((await login(system.url, OFFICE, emails[1]!, password)).status).toBe(200);
  }, 60_000);

  it('stops an address that guesses at many accounts once it reaches the address limit, counted across gateways', async () => {
    const guesser = '192.0.2.66';
    const statuses: number[] = [];
    for (let n = 0; n < ADDRESS_LIMIT + 3; n++) {
      // A different account each time (known or not), never over that account's own limit.
      const email = n % 2 === 0 ? emails[2 + n]! : `nobody${n}@nat.example`;
      statuses.push((await login(n % 2 === 0 ? system.url : second.url, guesser, email, 'not anybody’s password')).status);
    }
    expect(statuses).toEqual([...Array<number>(ADDRESS_LIMIT).fill(401), 429, 429, 429]);
    // The office's address has its own count.
    expect((await login(second.url, OFFICE, emails[30]!, password)).status).toBe(200);
  }, 60_000);
});
