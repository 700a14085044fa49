import type { ExportBundle } from '@plass/contracts';

export interface ServiceSections {
  service: string;
  sections: Record<string, unknown>;
}

const LISTS = ['bookings', 'notifications', 'consents'] as const;

/**
 * Merges every service's sections into one bundle (Art. 15/20). Lists are concatenated; a section
 * two services both answer is kept from both (as a list), never silently dropped.
 */
export function assembleBundle(subjectId: string, generatedAt: string, answers: ServiceSections[]): ExportBundle {
  const bundle: ExportBundle = {
    format: 'plass-export/v1',
    subjectId,
    generatedAt,
    answeredBy: answers.map((answer) => answer.service),
    profile: null,
    bookings: [],
    notifications: [],
    consents: [],
  };
  const merged = bundle as Record<string, unknown>;
  const taken = new Set<string>();
  for (const { sections } of answers) {
    for (const [name, value] of Object.entries(sections)) {
      if (value === undefined || ['format', 'subjectId', 'generatedAt', 'answeredBy'].includes(name)) continue;
      if ((LISTS as readonly string[]).includes(name) || (Array.isArray(merged[name]) && Array.isArray(value))) {
        merged[name] = [...((merged[name] as unknown[] | undefined) ?? []), ...(Array.isArray(value) ? (value as unknown[]) : [value])];
      } else if (taken.has(name)) {
        merged[name] = [merged[name], value];
      } else {
        merged[name] = value;
      }
      taken.add(name);
    }
  }
  return bundle;
}
