import { describe, expect, it } from '@jest/globals';
import { HttpProblem } from '../http/problem.js';
import { LoginThrottle, clientPrefix } from './login-throttle.js';

function setUp(options: { attempts?: number; windowMs?: number; maxAddresses?: number } = {}) {
  const clock = { now: new Date('2030-01-01T00:00:00Z') };
  const throttle = new LoginThrottle({ now: () => clock.now, ...options });
  const advance = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };
  const attempt = (address: string, route = 'issueToken'): HttpProblem | undefined => {
    try {
      throttle.take(route, address);
      return undefined;
    } catch (error) {
      return error as HttpProblem;
    }
  };
  return { throttle, advance, attempt };
}

describe('LoginThrottle', () => {
  it('admits 600 attempts a minute per address by default, then 429 with Retry-After', () => {
    const { attempt } = setUp();
    for (let i = 0; i < 600; i += 1) expect(attempt('203.0.113.7')).toBeUndefined();
    const refused = attempt('203.0.113.7');
    expect(refused).toMatchObject({ code: 'auth.rate_limited', extras: { headers: { 'retry-after': '1' } } });
    expect(attempt('203.0.113.8')).toBeUndefined();
  });

  it('refills evenly: one attempt every window/attempts', () => {
    const { attempt, advance } = setUp({ attempts: 2, windowMs: 60_000 });
    attempt('198.51.100.1');
    attempt('198.51.100.1');
    expect(attempt('198.51.100.1')?.extras.headers).toEqual({ 'retry-after': '30' });
    advance(29_000);
    expect(attempt('198.51.100.1')?.extras.headers).toEqual({ 'retry-after': '1' });
    advance(1_000);
    expect(attempt('198.51.100.1')).toBeUndefined();
    expect(attempt('198.51.100.1')).toBeDefined();
  });

  it('counts each login route apart', () => {
    const { attempt } = setUp({ attempts: 1 });
    expect(attempt('192.0.2.1', 'issueToken')).toBeUndefined();
    expect(attempt('192.0.2.1', 'issueToken')).toBeDefined();
    expect(attempt('192.0.2.1', 'refreshToken')).toBeUndefined();
  });

  it('counts an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', () => {
    const { attempt } = setUp({ attempts: 1 });
    expect(attempt('2001:db8:1:2::1')).toBeUndefined();
    expect(attempt('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBeDefined();
    expect(attempt('2001:db8:1:3::1')).toBeUndefined();
    expect(attempt('192.0.2.9')).toBeUndefined();
    expect(attempt('::ffff:192.0.2.9')).toBeDefined();
    expect(clientPrefix('::1')).toBe('0:0:0:0::/64');
    expect(clientPrefix('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('remembers addresses only as keyed hashes, and a bounded number of them', () => {
    const { throttle, attempt } = setUp({ maxAddresses: 3 });
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) attempt(address);
    expect(throttle.size).toBe(3);
    const held = JSON.stringify([...(throttle as unknown as { buckets: Map<string, unknown> }).buckets]);
    expect(held).not.toMatch(/10\.0\.0/);
  });
});
