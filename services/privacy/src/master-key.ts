import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@plass/telemetry';

/** PLASS_MASTER_KEY: base64 (or base64url) of exactly 32 bytes. */
export function parseMasterKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error('PLASS_MASTER_KEY must be the base64 encoding of 32 bytes');
  return key;
}

/**
 * Development only: without PLASS_MASTER_KEY the vault's master key lives beside the vault, at
 * `<dataDir>/privacy/master.key` (0600). Anyone who can read both files can read every key.
 */
export function loadOrCreateDevMasterKey(dataDir: string, logger: Logger): Buffer {
  const dir = join(dataDir, 'privacy');
  const file = join(dir, 'master.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn({ file }, 'PLASS_MASTER_KEY is not set: generated a development master key; set PLASS_MASTER_KEY in production');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    logger.warn({ file }, 'PLASS_MASTER_KEY is not set: using the development master key; set PLASS_MASTER_KEY in production');
  }
  return parseMasterKey(readFileSync(file, 'utf8'));
}
