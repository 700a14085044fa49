import { describe, expect, it } from '@jest/globals';
import { PRIVATE_STREAM_PREFIXES, assertDeletable, isPrivateStream } from './private-streams.js';

describe('private streams', () => {
  it('are the streams named with a private prefix, and only they', () => {
    expect(PRIVATE_STREAM_PREFIXES).toContain('ledger-');
    expect(isPrivateStream('ledger-t1-abc')).toBe(true);
    expect(isPrivateStream('space-t1-ledger-abc')).toBe(false);
    expect(isPrivateStream('ledger')).toBe(false);
    expect(isPrivateStream('Ledger-t1-abc')).toBe(false);
  });

  it('are the only deletable streams', () => {
    expect(() => assertDeletable('ledger-t1-abc')).not.toThrow();
    expect(() => assertDeletable('space-t1-s1')).toThrow(RangeError);
  });
});
