import { ServiceName } from '@plass/contracts';

/**
 * PLASS_ERASURE_PARTICIPANTS: the services that take part in erasure and export, comma-separated
 * (e.g. `identity,booking`). Unset: the default. Privacy takes part on its own, so it is not listed.
 */
export function parseParticipants(value: string | undefined, fallback: readonly string[]): string[] {
  if (value === undefined || value.trim() === '') return [...fallback];
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const invalid = names.filter((name) => !ServiceName.safeParse(name).success);
  if (invalid.length > 0) throw new Error(`PLASS_ERASURE_PARTICIPANTS: not a service name: ${invalid.join(', ')}`);
  return [...new Set(names.filter((name) => name !== 'privacy'))];
}
