import { z } from 'zod';
import { DomainFailure, domainError, type DomainError } from '@plass/contracts';

/** Zod issues as `{path, message}` — paths and rule messages only, never the offending values. */
export const issuesOf = (error: z.ZodError) => error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));

/** What a handler's failure becomes on the wire: domain failures as they are, the rest opaque. */
export function toDomainError(error: unknown): { error: DomainError; unexpected: boolean } {
  if (error instanceof DomainFailure) return { error: error.error, unexpected: false };
  if (error instanceof z.ZodError) {
    return { error: domainError('validation.failed', 'the message is not valid', { errors: issuesOf(error) }), unexpected: false };
  }
  return { error: domainError('internal.error', 'the service failed to handle the request'), unexpected: true };
}
