import { describe, expect, it } from '@jest/globals';
import { errors } from 'jose';
import { SigningKey } from '../test-support/signing-key.js';
import { JwksCache, JwksUnavailable, type JwksDocument } from './jwks-cache.js';

async function setUp() {
  const first = await SigningKey.generate('first');
  const second = await SigningKey.generate('second');
  const state = { now: new Date('2030-01-01T00:00:00Z'), published: [first], fetches: 0, down: false, failures: 0 };
  const cache = new JwksCache({
    now: () => state.now,
    fetch: async (): Promise<JwksDocument> => {
      state.fetches += 1;
      if (state.down) throw new Error('no answer');
      return { keys: state.published.map((key) => key.publicJwk) };
    },
    onRefreshFailed: () => {
      state.failures += 1;
    },
  });
  const advance = (ms: number) => {
    state.now = new Date(state.now.getTime() + ms);
  };
  const header = (kid: string) => ({ alg: 'EdDSA', kid });
  return { first, second, state, cache, advance, header };
}

describe('JwksCache', () => {
  it('fetches on first use, once for concurrent callers, then answers from memory', async () => {
    const { cache, state, header } = await setUp();
    expect(state.fetches).toBe(0);
    const keys = await Promise.all([cache.key(header('first')), cache.key(header('first')), cache.key(header('first'))]);
    expect(keys.every((key) => key.type === 'public')).toBe(true);
    await cache.key(header('first'));
    expect(state.fetches).toBe(1);
  });

  it('refetches for an unknown kid at most once per 10 s', async () => {
    const { cache, state, advance, header, second } = await setUp();
    await cache.key(header('first'));
    advance(10_000);
    await expect(cache.key(header('nobody'))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(state.fetches).toBe(2);
    for (const kid of ['random-1', 'random-2', 'random-3']) await expect(cache.key(header(kid))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(state.fetches).toBe(2);

    state.published.push(second);
    advance(9_000);
    await expect(cache.key(header('second'))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    advance(1_000);
    await expect(cache.key(header('second'))).resolves.toMatchObject({ type: 'public' });
    expect(state.fetches).toBe(3);
  });

  it('drops keys the set no longer lists once refreshed', async () => {
    const { cache, state, header, second } = await setUp();
    await cache.key(header('first'));
    state.published = [second];
    await cache.refresh();
    await expect(cache.key(header('first'))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('is unavailable until a first fetch succeeds, and keeps its keys when a later one fails', async () => {
    const { cache, state, header, advance } = await setUp();
    state.down = true;
    await expect(cache.key(header('first'))).rejects.toBeInstanceOf(JwksUnavailable);
    state.down = false;
    await expect(cache.key(header('first'))).resolves.toMatchObject({ type: 'public' });
    state.down = true;
    advance(60_000);
    await expect(cache.refresh()).rejects.toThrow('no answer');
    await expect(cache.key(header('first'))).resolves.toMatchObject({ type: 'public' });
    expect(state.failures).toBe(2);
  });
});
