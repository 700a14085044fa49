import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { pii } from '../pii.js';
import { defineEvent } from './define.js';

/**
 * Privacy events hold ids, codes, times and counts only: the audit trail of what was done to a
 * person's data must not itself become personal data at rest.
 */

/** A tenant's privacy policy version, e.g. `2026-11` or `v3`. */
export const PolicyVersion = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z._-]{1,40}$/, 'letters, digits, ".", "_" and "-" only');
/** Fits the gateway's 64 KB body limit with room for the rest of the request. */
export const PolicyText = z.string().min(1).max(50_000);
export const PolicyUrl = z.url({ protocol: /^https$/ }).max(2000);

export const PrivacyPolicyPublished = defineEvent(
  'privacy',
  'PrivacyPolicyPublished',
  z.object({
    version: PolicyVersion,
    /** The policy text as published (not personal data). */
    text: PolicyText,
    url: PolicyUrl.optional(),
    /** Users must acknowledge this version before they may book. */
    requireAcknowledgement: z.boolean(),
    publishedBy: Uuid.optional(),
  }),
);

export const PrivacyPolicyAcknowledged = defineEvent('privacy', 'PrivacyPolicyAcknowledged', z.object({ userId: Uuid, version: PolicyVersion }));

/** GDPR Art. 7(3): consent is withdrawn as easily as it was given; where required, bookings stop until it is given again. */
export const PrivacyPolicyAcknowledgementWithdrawn = defineEvent('privacy', 'PrivacyPolicyAcknowledgementWithdrawn', z.object({ userId: Uuid, version: PolicyVersion }));

/** Why erasure is refused (GDPR Art. 17(3)): a code and a reference such as a case number, no free text. */
export const LegalHoldReason = z.enum(['litigation', 'regulatory_investigation', 'statutory_retention', 'other_legal_obligation']);
/** An opaque case number (no spaces, at least one digit), so no party's name ends up in the record. */
export const LegalHoldReference = z
  .string()
  .trim()
  .regex(/^(?=.*\d)[0-9A-Za-z._/#-]{1,60}$/, 'a case number: letters, digits, ".", "_", "/", "#" and "-", at least one digit, no spaces');

export const LegalHoldPlaced = defineEvent(
  'privacy',
  'LegalHoldPlaced',
  z.object({
    holdId: Uuid,
    subjectId: Uuid,
    reason: LegalHoldReason,
    reference: LegalHoldReference.optional(),
    placedBy: Uuid.optional(),
    /** The hold ends by itself at this instant (e.g. the end of a statutory retention period). */
    until: Timestamp.optional(),
  }),
);
export const LegalHoldLifted = defineEvent('privacy', 'LegalHoldLifted', z.object({ holdId: Uuid, liftedBy: Uuid.optional() }));

/**
 * Why a person's data may only be stored, not processed: GDPR Art. 18(1)(a)–(d) (restriction) or
 * Art. 21(1) (objection to processing on legitimate interests, which booking relies on).
 */
export const RestrictionGround = z.enum(['accuracy_contested', 'unlawful_processing', 'legal_claims', 'objection_pending', 'objection']);
/** Why a restriction ends: the controller verified or overrode it (Art. 18(3) needs the person told first), or the person withdrew it. */
export const RestrictionLiftReason = z.enum(['accuracy_verified', 'compelling_grounds', 'no_longer_applicable', 'withdrawn_by_subject']);

/** From now on booking makes no booking by or for the subject; their data stays stored. */
export const ProcessingRestricted = defineEvent(
  'privacy',
  'ProcessingRestricted',
  z.object({ restrictionId: Uuid, subjectId: Uuid, ground: RestrictionGround, placedBy: Uuid.optional() }),
);
export const ProcessingRestrictionLifted = defineEvent(
  'privacy',
  'ProcessingRestrictionLifted',
  z.object({ restrictionId: Uuid, subjectId: Uuid, reason: RestrictionLiftReason, liftedBy: Uuid.optional() }),
);

/**
 * How the controller and its data protection officer are reached (Art. 13(1)(a)-(b), 30(1)(a),
 * 37(7)). A contact may name a person, so every field is personal data under keys of the contact's
 * own (`contactId`), destroyed when the admin replaces it.
 */
const contact = <T extends z.ZodType>(schema: T, category: 'name' | 'contact', description: string) => pii(schema, { category, purpose: 'controller_contact', description });
export const ContactText = z.string().trim().min(1).max(200);
export const ContactPhone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{3,40}$/, 'a telephone number: digits, spaces and + ( ) . / -');
export const ControllerContactChanged = defineEvent(
  'privacy',
  'ControllerContactChanged',
  z.object({
    contactId: Uuid,
    name: contact(ContactText, 'name', "the controller's legal name"),
    address: contact(z.string().trim().min(1).max(500), 'contact', "the controller's postal address"),
    email: contact(z.email().max(254), 'contact', "the controller's e-mail address for privacy matters"),
    phone: contact(ContactPhone, 'contact', "the controller's telephone number").optional(),
    dpoName: contact(ContactText, 'name', 'the name of the data protection officer, where the controller publishes it').optional(),
    dpoEmail: contact(z.email().max(254), 'contact', "the data protection officer's e-mail address").optional(),
    dpoPhone: contact(ContactPhone, 'contact', "the data protection officer's telephone number").optional(),
  }),
);

/** A processor the tenant engages (GDPR Art. 28), listed in the record of processing. */
export const SubProcessor = z.object({
  name: z.string().trim().min(1).max(120),
  purpose: z.string().trim().min(1).max(300),
  /** ISO 3166-1 alpha-2 country where data is processed. */
  country: z.string().regex(/^[A-Z]{2}$/),
});
export const SubProcessorsChanged = defineEvent('privacy', 'SubProcessorsChanged', z.object({ items: z.array(SubProcessor).max(100) }));

export const PrivacyRequestKind = z.enum(['erasure', 'export']);

export const ErasureRequested = defineEvent(
  'privacy',
  'ErasureRequested',
  z.object({ requestId: Uuid, subjectId: Uuid, requestedBy: Uuid.optional(), requestedAt: Timestamp, dueAt: Timestamp }),
);
export const ErasureRefused = defineEvent('privacy', 'ErasureRefused', z.object({ requestId: Uuid, reason: LegalHoldReason, holdId: Uuid, refusedAt: Timestamp }));
export const ErasureStep = z.enum(['bookings_cancelled', 'user_deactivated', 'keys_destroyed', 'erasure_broadcast']);
export const ErasureStepCompleted = defineEvent(
  'privacy',
  'ErasureStepCompleted',
  z.object({ requestId: Uuid, step: ErasureStep, count: z.number().int().nonnegative().optional(), at: Timestamp }),
);
/** One service confirmed it evicted the subject's keys and dropped what it derived from their data. */
export const ErasureReceiptRecorded = defineEvent(
  'privacy',
  'ErasureReceiptRecorded',
  z.object({ requestId: Uuid, service: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), acknowledgedAt: Timestamp }),
);
export const ErasureCompleted = defineEvent('privacy', 'ErasureCompleted', z.object({ requestId: Uuid, subjectId: Uuid, completedAt: Timestamp }));

export const ExportRequested = defineEvent(
  'privacy',
  'ExportRequested',
  z.object({ requestId: Uuid, subjectId: Uuid, requestedBy: Uuid.optional(), requestedAt: Timestamp, dueAt: Timestamp }),
);
export const ExportCompleted = defineEvent('privacy', 'ExportCompleted', z.object({ requestId: Uuid, completedAt: Timestamp }));

/** Every privacy operation, append-only, readable by privacy officers. */
export const AuditOperation = z.enum([
  'erasure.requested',
  'erasure.refused',
  'erasure.completed',
  'keys.destroyed',
  'keys.retention_destroyed',
  'keys.rewrapped',
  'export.requested',
  'export.completed',
  'export.served',
  'policy.published',
  'policy.acknowledged',
  'policy.acknowledgement_withdrawn',
  'legal_hold.placed',
  'legal_hold.lifted',
  'processing.restricted',
  'processing.restriction_lifted',
  'sub_processors.changed',
  'controller.changed',
  'records.expired',
]);
export const AuditOutcome = z.enum(['accepted', 'refused', 'succeeded', 'failed']);
export const AuditRecorded = defineEvent(
  'privacy',
  'AuditRecorded',
  z.object({
    auditId: Uuid,
    operation: AuditOperation,
    /** Who did it: a user id, or absent for plass itself (scheduled jobs, sagas). */
    actorId: Uuid.optional(),
    /** Whose data it concerned, as an id. */
    subjectId: Uuid.optional(),
    requestId: Uuid.optional(),
    outcome: AuditOutcome,
    at: Timestamp,
    /** Counts, codes and ids only (e.g. `{keys: 4}`, `{reason: 'litigation'}`): no spaces, so no names or free text. */
    details: z.record(z.string(), z.union([z.string().regex(/^[0-9A-Za-z._:-]{1,100}$/, 'a code or an id'), z.number(), z.boolean()])).optional(),
  }),
);
