import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY_BYTES = 32;

/** The part of a pino logger the dev-key loader uses. */
export interface DevKeyLogger {
  warn(fields: object, message: string): void;
}

/** A secret from the environment: base64 (or base64url) of exactly 32 bytes. `name` is for the error only. */
export function parseBase64Key(value: string, name: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${name} must be the base64 encoding of ${KEY_BYTES} bytes`);
  return key;
}

/**
 * Development only: a 32-byte key kept in `file` (0600, its folder 0700), generated on first use.
 * Whoever can read the file and the data it protects can read everything: production sets `envName`.
 */
export function loadOrCreateDevKey(file: string, logger: DevKeyLogger, envName = 'the key variable'): Buffer {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn({ file }, `${envName} is not set: generated a development key; set ${envName} in production`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    logger.warn({ file }, `${envName} is not set: using the development key; set ${envName} in production`);
  }
  return parseBase64Key(readFileSync(file, 'utf8'), file);
}
