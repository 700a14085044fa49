import { join } from 'node:path';
import { loadOrCreateDevKey, parseBase64Key } from '@plass/shredder';
import type { Logger } from '@plass/telemetry';

const ENV = 'PLASS_MASTER_KEY';
const PREVIOUS_ENV = 'PLASS_MASTER_KEY_PREVIOUS';

/** PLASS_MASTER_KEY: base64 (or base64url) of exactly 32 bytes. */
export const parseMasterKey = (encoded: string): Buffer => parseBase64Key(encoded, ENV);

/**
 * PLASS_MASTER_KEY_PREVIOUS: the master keys being retired, comma-separated, each like
 * PLASS_MASTER_KEY. Unset or empty: none. Errors name the position, never the value.
 */
export const parsePreviousMasterKeys = (encoded: string | undefined): Buffer[] =>
  (encoded ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, i) => parseBase64Key(part, `${PREVIOUS_ENV} (key ${i + 1})`));

/**
 * Development only: without PLASS_MASTER_KEY the vault's master key lives beside the vault, at
 * `<dataDir>/privacy/master.key` (0600). Anyone who can read both files can read every key.
 */
export const loadOrCreateDevMasterKey = (dataDir: string, logger: Logger): Buffer => loadOrCreateDevKey(join(dataDir, 'privacy', 'master.key'), logger, ENV);
