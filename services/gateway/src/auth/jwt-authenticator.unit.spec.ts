import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SigningKey } from '../test-support/signing-key.js';
import { JwksCache } from './jwks-cache.js';
import { JwtAuthenticator } from './jwt-authenticator.js';

const correlationId = randomUUID();

async function setUp() {
  const key = await SigningKey.generate();
  const published = { keys: [key.publicJwk] };
  let fetches = 0;
  const clock = { now: new Date('2030-03-10T09:00:00Z') };
  const jwks = new JwksCache({
    fetch: async () => {
      fetches += 1;
      return published;
    },
    now: () => clock.now,
    minRefreshIntervalMs: 0,
  });
  const rejected: string[] = [];
  const authenticator = new JwtAuthenticator({ keys: jwks, now: () => clock.now, onRejected: (reason) => rejected.push(reason) });
  const claims = { sub: randomUUID(), tid: randomUUID(), roles: ['employee'] };
  const token = await key.sign(claims, { issuedAt: clock.now, lifetimeS: 600 });
  return { key, published, jwks, authenticator, claims, token, clock, rejected, fetches: () => fetches };
}

describe('JwtAuthenticator with verified tokens remembered', () => {
  it('answers a token seen before with the same context, each request with its own correlation id', async () => {
    const { authenticator, token, claims } = await setUp();
    const first = await authenticator.verify(token, correlationId);
    const other = randomUUID();
    const again = await authenticator.verify(token, other);
    expect(first).toEqual({ tenantId: claims.tid, actorId: claims.sub, roles: ['employee'], correlationId });
    expect(again).toEqual({ ...first, correlationId: other });
  });

  it('stops accepting a remembered token once it expires (clock tolerance included)', async () => {
    const { authenticator, token, clock, rejected } = await setUp();
    await authenticator.verify(token, correlationId);
    clock.now = new Date(clock.now.getTime() + 600_000 + 4_000);
    await expect(authenticator.verify(token, correlationId)).resolves.toMatchObject({ correlationId });
    clock.now = new Date(clock.now.getTime() + 2_000);
    await expect(authenticator.verify(token, correlationId)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    expect(rejected).toEqual(['expired']);
  });

  it('stops accepting a remembered token once its signing key is no longer published', async () => {
    const { authenticator, token, published, jwks, rejected } = await setUp();
    await authenticator.verify(token, correlationId);
    published.keys = [(await SigningKey.generate()).publicJwk];
    await jwks.refresh();
    await expect(authenticator.verify(token, correlationId)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    expect(rejected).toEqual(['unknown_kid']);
  });

  it('remembers a token only once it verified: one not yet valid is refused, then accepted when its time comes', async () => {
    const { key, authenticator, claims, clock, rejected } = await setUp();
    const later = await key.sign(claims, { issuedAt: clock.now, notBefore: new Date(clock.now.getTime() + 60_000), lifetimeS: 600 });
    await expect(authenticator.verify(later, correlationId)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    expect(rejected).toEqual(['not_yet_valid']);
    clock.now = new Date(clock.now.getTime() + 60_000);
    await expect(authenticator.verify(later, correlationId)).resolves.toMatchObject({ actorId: claims.sub });
  });

  it('never lets a changed token ride on a remembered one', async () => {
    const { authenticator, token, rejected } = await setUp();
    await authenticator.verify(token, correlationId);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    forged.roles = ['admin'];
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature].join('.');
    await expect(authenticator.verify(tampered, correlationId)).rejects.toMatchObject({ code: 'auth.unauthenticated' });
    expect(rejected).toEqual(['signature']);
  });
});
