import type { z } from 'zod';
import type { Context } from './events/define.js';
import { eventCatalog } from './events/index.js';
import { NotificationMailSealed } from './messages/notification.js';
import type { SubProcessor } from './events/privacy.js';
import type { ControllerContact, ProcessingActivity, ProcessingRecordsView } from './messages/privacy-api.js';
import { PiiCategory, Purpose, piiFields } from './pii.js';

type Activity = z.infer<typeof ProcessingActivity>;

/** What the pii() marks cannot say about a purpose: why, on which legal basis, for how long, who else sees it. */
export interface PurposeRegister {
  description: string;
  legalBasis: string;
  dataSubjects: string[];
  retention(settings: RetentionSettings): string;
  /** Services that receive these data besides the context whose events carry them. */
  consumers: string[];
  safeguards: string[];
}

/** The tenant's retention settings; `undefined` when they could not be read. */
export interface RetentionSettings {
  anonymizeBookingsAfterDays?: number | null;
}

const SAFEGUARDS = [
  'encrypted at rest with AES-256-GCM under per-subject, per-purpose data keys (crypto-shredding)',
  'data keys wrapped under a key-encryption key and destroyed on erasure',
  'logs, metrics, NATS subjects and the audit log carry ids only',
  'TLS in transit',
];

export const processingPurposes: Record<Purpose, PurposeRegister> = {
  profile: {
    description: "The tenant's user accounts: login, the names colleagues see, notifications",
    legalBasis: 'GDPR Art. 6(1)(b): necessary for the employment relationship (contract) with the user',
    dataSubjects: ["the tenant's employees and other users"],
    retention: () => 'Until the user is erased (GDPR Art. 17); deactivating a user keeps the profile until erasure',
    consumers: ['identity', 'booking', 'notification', 'privacy', 'gateway'],
    safeguards: [...SAFEGUARDS, 'e-mail lookups through a keyed HMAC blind index, deleted on erasure'],
  },
  booking: {
    description: 'Booking desks, rooms and parking spaces: who booked what, check-in and no-show release',
    legalBasis: "GDPR Art. 6(1)(f): the employer's legitimate interest in organising the workplace",
    dataSubjects: ["the tenant's employees and other users"],
    retention: ({ anonymizeBookingsAfterDays }) =>
      anonymizeBookingsAfterDays === undefined
        ? "As set by the tenant's anonymizeBookingsAfterDays (privacy settings): bookings lose every link to their booker that many days after they end; without it, until erasure"
        : anonymizeBookingsAfterDays === null
          ? 'Until the booker is erased: the tenant has set no retention period (anonymizeBookingsAfterDays)'
          : `Bookings lose every link to their booker ${anonymizeBookingsAfterDays} days after they end (the tenant's anonymizeBookingsAfterDays), or at erasure`,
    consumers: ['booking', 'notification', 'privacy', 'gateway'],
    safeguards: [...SAFEGUARDS, 'booking keys scoped per day, so retention destroys whole days of links', 'utilization statistics hold no personal data'],
  },
  notification: {
    description:
      "E-mail to users about their bookings (confirmation with a calendar invite, reminder before start, cancellation, release as a no-show) and the invitation to set a password, delivered through the operator's SMTP providers (recipient `smtp-providers`, named among the platform's sub-processors); the log of what was sent",
    legalBasis:
      "GDPR Art. 6(1)(b) for invitations and mails about a user's own bookings (necessary for the service the user uses); Art. 6(1)(f) for reminders, which each user may turn off",
    dataSubjects: ["the tenant's employees and other users"],
    retention: ({ anonymizeBookingsAfterDays }) =>
      typeof anonymizeBookingsAfterDays === 'number'
        ? `A mail's content is deleted once sent; its log entry loses every link to the recipient ${anonymizeBookingsAfterDays} days after the booking ended (with the booking), or at erasure`
        : "A mail's content is deleted once sent; its log entry keeps the link to the recipient until erasure, or the booking's retention once the tenant sets one",
    // The SMTP providers (PLASS_SMTP_PRIMARY_URL, PLASS_SMTP_SECONDARY_URL) receive every mail; the operator names them in PLASS_SUB_PROCESSORS.
    consumers: ['notification', 'smtp-providers'],
    safeguards: [...SAFEGUARDS, 'SMTP with TLS (STARTTLS required to any non-loopback host)', 'a stable Message-ID per mail, so a resent mail is recognisable as the same one'],
  },
  controller_contact: {
    description: "Who the controller is and how it and its data protection officer are reached, as the tenant's admin sets it; shown to the tenant's users and in this record",
    legalBasis: "GDPR Art. 6(1)(c): the controller's legal obligation to name itself and its DPO (Art. 13(1)(a)-(b), 30(1)(a), 37(7))",
    dataSubjects: ["the controller's contact persons and its data protection officer"],
    retention: () => "Until the admin replaces the contact: the previous contact's key is destroyed then",
    consumers: ['privacy', 'gateway'],
    safeguards: SAFEGUARDS,
  },
};

export interface ProcessingRecordsInput extends RetentionSettings {
  tenantId: string;
  generatedAt: string;
  subProcessors: z.infer<typeof SubProcessor>[];
  platformSubProcessors?: z.infer<typeof SubProcessor>[];
  contact?: ControllerContact | null;
}

type Field = Activity['categories'][number]['fields'][number];

/** Personal data a service keeps that is no event: listed in the record like the events' fields. */
export const storedRecordCatalog: Record<string, { context: Context; data: z.ZodObject }> = {
  NotificationMail: { context: 'notification', data: NotificationMailSealed },
};

/**
 * GDPR Art. 30(1) for one tenant, generated from the pii() marks of every event in the catalog:
 * a personal field added to a contract shows up here without anyone editing this record.
 */
export function processingRecords(input: ProcessingRecordsInput): z.infer<typeof ProcessingRecordsView> {
  const fields = new Map<Purpose, Map<PiiCategory, Field[]>>();
  const contexts = new Map<Purpose, Set<Context>>();
  for (const [event, definition] of Object.entries({ ...eventCatalog, ...storedRecordCatalog })) {
    for (const { field, category, purpose, description } of piiFields(definition.data)) {
      const byCategory = fields.get(purpose) ?? new Map<PiiCategory, Field[]>();
      fields.set(purpose, byCategory);
      byCategory.set(category, [...(byCategory.get(category) ?? []), { event, field, description }]);
      contexts.set(purpose, (contexts.get(purpose) ?? new Set<Context>()).add(definition.context));
    }
  }
  const activities = Purpose.options.map((purpose): Activity => {
    const register = processingPurposes[purpose];
    const byCategory = fields.get(purpose) ?? new Map<PiiCategory, Field[]>();
    return {
      purpose,
      description: register.description,
      legalBasis: register.legalBasis,
      dataSubjects: register.dataSubjects,
      categories: PiiCategory.options.filter((category) => byCategory.has(category)).map((category) => ({ category, fields: byCategory.get(category)! })),
      retention: register.retention(input),
      recipients: [...new Set([...(contexts.get(purpose) ?? []), ...register.consumers])].sort(),
      safeguards: register.safeguards,
    };
  });
  return {
    controller: { tenantId: input.tenantId, contact: input.contact ?? null },
    processor: 'plass (workplace booking), operated for the controller',
    generatedAt: input.generatedAt,
    activities,
    subProcessors: input.subProcessors,
    platformSubProcessors: input.platformSubProcessors ?? [],
  };
}
