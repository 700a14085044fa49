import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@plass/testing';
import { loadOrCreateDevKey, parseBase64Key } from './master-key.js';

const quiet = { warn: () => undefined };

describe('parseBase64Key', () => {
  it('accepts base64 and base64url of 32 bytes and names the variable otherwise', () => {
    const key = randomBytes(32);
    expect(parseBase64Key(key.toString('base64'), 'X')).toEqual(key);
    expect(parseBase64Key(` ${key.toString('base64url')}\n`, 'X')).toEqual(key);
    expect(() => parseBase64Key(randomBytes(16).toString('base64'), 'PLASS_SOME_KEY')).toThrow(/PLASS_SOME_KEY/);
  });
});

describe('loadOrCreateDevKey', () => {
  it('creates a 0600 key file once and reads the same key back', () => {
    const dir = tempDir();
    const file = join(dir.path, 'svc', 'dev.key');
    const first = loadOrCreateDevKey(file, quiet);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDevKey(file, quiet)).toEqual(first);
    dir.remove();
  });

  it('refuses a file that does not hold 32 bytes', () => {
    const dir = tempDir();
    const file = join(dir.path, 'bad.key');
    writeFileSync(file, 'c2hvcnQ=');
    expect(() => loadOrCreateDevKey(file, quiet)).toThrow(/32 bytes/);
    dir.remove();
  });
});
