import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseMasterKey, parsePreviousMasterKeys } from './master-key.js';

describe('master keys from the environment', () => {
  it('parses PLASS_MASTER_KEY_PREVIOUS as comma-separated base64 or base64url keys', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    expect(parsePreviousMasterKeys(` ${a.toString('base64')} ,${b.toString('base64url')},`)).toEqual([a, b]);
    expect(parseMasterKey(a.toString('base64'))).toEqual(a);
  });

  it('reads an unset or empty PLASS_MASTER_KEY_PREVIOUS as no previous keys', () => {
    expect(parsePreviousMasterKeys(undefined)).toEqual([]);
    expect(parsePreviousMasterKeys(' ')).toEqual([]);
  });

  it('names the position of a malformed key, never its value', () => {
    const bad = randomBytes(16).toString('base64');
    expect(() => parsePreviousMasterKeys(`${randomBytes(32).toString('base64')},${bad}`)).toThrow(/^PLASS_MASTER_KEY_PREVIOUS \(key 2\) must be the base64 encoding of 32 bytes$/);
    const message = (() => {
      try {
        parsePreviousMasterKeys(bad);
      } catch (error) {
        return String(error);
      }
    })();
    expect(message).toContain('(key 1)');
    expect(message).not.toContain(bad);
  });
});
