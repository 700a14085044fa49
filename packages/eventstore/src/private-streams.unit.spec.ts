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

  it('are deletable, as are the expiring streams; every other stream is append-only', () => {
    expect(() => assertDeletable('ledger-t1-abc')).not.toThrow();
    expect(() => assertDeletable('audit-t1-2030-03-01')).not.toThrow();
    expect(() => assertDeletable('export-t1-r1')).not.toThrow();
    expect(isPrivateStream('audit-t1-2030-03-01')).toBe(false);
    expect(() => assertDeletable('space-t1-s1')).toThrow(RangeError);
    expect(() => assertDeletable('consent-t1-u1')).toThrow(RangeError);
  });
});
