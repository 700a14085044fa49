import { ServiceName, SubProcessor } from '@plass/contracts';
import { z } from 'zod';
import type { SubProcessors } from './domain/sub-processors.js';
import { DEFAULT_RECORD_RETENTION_DAYS } from './record-retention.js';

/**
 * PLASS_ERASURE_PARTICIPANTS: the services that take part in erasure and export, comma-separated
 * (e.g. `identity,booking`). Unset: the default. Privacy takes part on its own, so it is not listed.
 */
export function parseParticipants(value: string | undefined, fallback: readonly string[]): string[] {
  if (value === undefined || value.trim() === '') return [...fallback];
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const invalid = names.filter((name) => !ServiceName.safeParse(name).success);
  if (invalid.length > 0) throw new Error(`PLASS_ERASURE_PARTICIPANTS: not a service name: ${invalid.join(', ')}`);
  return [...new Set(names.filter((name) => name !== 'privacy'))];
}

/**
 * PLASS_SUB_PROCESSORS: the operator's own processors (hosting, e-mail delivery, …) as a JSON
 * array of `{name, purpose, country}`, listed in every tenant's record of processing. Unset: none.
 */
export function parsePlatformSubProcessors(value: string | undefined): SubProcessors {
  if (value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('PLASS_SUB_PROCESSORS: not JSON; expected [{"name": …, "purpose": …, "country": "DE"}]');
  }
  const result = z.array(SubProcessor).max(100).safeParse(parsed);
  if (!result.success) throw new Error(`PLASS_SUB_PROCESSORS: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return result.data;
}

/**
 * PLASS_PRIVACY_RECORD_RETENTION_DAYS: how long the audit log and finished erasure and export
 * records are kept, 60–3650 days (past the month a request may take and its bundle's week).
 * Unset: three years.
 */
export function parseRetentionDays(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_RECORD_RETENTION_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 60 || days > 3650) throw new Error('PLASS_PRIVACY_RECORD_RETENTION_DAYS: whole days, 60 to 3650');
  return days;
}
