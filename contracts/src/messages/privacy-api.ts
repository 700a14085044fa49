import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import {
  AuditRecorded,
  ContactPhone,
  ContactText,
  LegalHoldReason,
  LegalHoldReference,
  PolicyText,
  PolicyUrl,
  PolicyVersion,
  PrivacyRequestKind,
  RestrictionGround,
  RestrictionLiftReason,
  SubProcessor,
} from '../events/privacy.js';
import { Purpose, PiiCategory } from '../pii.js';
import { defineRequest } from './define.js';
import { ServiceName } from './privacy.js';

/**
 * The privacy service's API (GDPR Art. 12–20 and 30), as the gateway asks it. Every request
 * records its due date (one month, Art. 12(3)); `overdue` is true while it is pending past it.
 */

export const ErasureStatus = z.enum(['pending', 'completed', 'refused']);
export const ErasureRequestView = z.object({
  id: Uuid,
  subjectId: Uuid,
  status: ErasureStatus,
  requestedAt: Timestamp,
  dueAt: Timestamp,
  completedAt: Timestamp.nullable(),
  /** Set when refused: the legal hold's reason (Art. 17(3)). */
  reason: LegalHoldReason.nullable(),
  /** When each service confirmed it forgot the subject. */
  receipts: z.record(ServiceName, Timestamp),
  overdue: z.boolean(),
});
export type ErasureRequestView = z.infer<typeof ErasureRequestView>;

/**
 * The machine-readable export (Art. 15/20). Sections come from the services that hold the data;
 * `answeredBy` names them, so a reader knows the bundle is complete.
 */
export const ExportBundle = z
  .object({
    format: z.literal('plass-export/v1'),
    subjectId: Uuid,
    generatedAt: Timestamp,
    answeredBy: z.array(ServiceName),
    profile: z.unknown(),
    bookings: z.array(z.unknown()),
    notifications: z.array(z.unknown()),
    consents: z.array(z.unknown()),
  })
  .catchall(z.unknown());
export type ExportBundle = z.infer<typeof ExportBundle>;

export const ExportStatus = z.enum(['pending', 'completed']);
export const ExportRequestView = z.object({
  id: Uuid,
  subjectId: Uuid,
  status: ExportStatus,
  requestedAt: Timestamp,
  dueAt: Timestamp,
  completedAt: Timestamp.nullable(),
  overdue: z.boolean(),
  /** Present once completed, `null` while pending, once it expired, or after the subject's erasure. */
  bundle: ExportBundle.nullable(),
  /** When the bundle will be deleted; set while there is one. */
  expiresAt: Timestamp.nullable(),
});
export type ExportRequestView = z.infer<typeof ExportRequestView>;

export const PrivacyRequestSummary = z.object({
  id: Uuid,
  kind: PrivacyRequestKind,
  subjectId: Uuid,
  status: z.union([ErasureStatus, ExportStatus]),
  requestedAt: Timestamp,
  dueAt: Timestamp,
  completedAt: Timestamp.nullable(),
  overdue: z.boolean(),
});

export const PolicyView = z.object({
  version: PolicyVersion,
  text: z.string(),
  url: z.string().nullable(),
  requireAcknowledgement: z.boolean(),
  publishedAt: Timestamp,
});
export type PolicyView = z.infer<typeof PolicyView>;
export const AcknowledgementView = z.object({ version: PolicyVersion, acknowledgedAt: Timestamp });
export const UnacknowledgedView = z.object({ version: PolicyVersion, userIds: z.array(Uuid) });

export const LegalHoldView = z.object({
  id: Uuid,
  subjectId: Uuid,
  reason: LegalHoldReason,
  reference: z.string().nullable(),
  placedAt: Timestamp,
  /** When the hold ends by itself; `null`: until lifted. */
  until: Timestamp.nullable(),
});

export const AuditEntry = AuditRecorded.data;
export type AuditEntry = z.infer<typeof AuditEntry>;

/** GDPR Art. 30(1), generated from the contracts' pii() marks. */
export const ProcessingActivity = z.object({
  purpose: Purpose,
  description: z.string(),
  legalBasis: z.string(),
  dataSubjects: z.array(z.string()),
  categories: z.array(z.object({ category: PiiCategory, fields: z.array(z.object({ event: z.string(), field: z.string(), description: z.string() })) })),
  retention: z.string(),
  /** The plass services that receive or hold these data. */
  recipients: z.array(ServiceName),
  safeguards: z.array(z.string()),
});
/** Who the controller is and how it and its DPO are reached, as the tenant's admin set it. */
export const ControllerContact = z.object({
  name: ContactText,
  address: z.string().trim().min(1).max(500),
  email: z.email().max(254),
  phone: ContactPhone.optional(),
  /** Where a data protection officer is designated (Art. 37): at least how to reach them. */
  dpo: z.object({ name: ContactText.optional(), email: z.email().max(254), phone: ContactPhone.optional() }).optional(),
});
export type ControllerContact = z.infer<typeof ControllerContact>;
export const ControllerView = ControllerContact.extend({ tenantId: Uuid, updatedAt: Timestamp });
export const SetController = defineRequest('privacy.cmd.SetController', ControllerContact, ControllerView);
export const GetController = defineRequest('privacy.qry.GetController', z.object({}), ControllerView);

export const ProcessingRecordsView = z.object({
  /** Art. 30(1)(a): the tenant, and its contact and DPO once the admin has set them (`null` until then). */
  controller: z.object({ tenantId: Uuid, contact: ControllerContact.nullable() }),
  processor: z.string(),
  generatedAt: Timestamp,
  activities: z.array(ProcessingActivity),
  /** The tenant's own processors. */
  subProcessors: z.array(SubProcessor),
  /** The processors plass's operator engages for every tenant (hosting, e-mail delivery; PLASS_SUB_PROCESSORS). */
  platformSubProcessors: z.array(SubProcessor),
});

export const RequestErasure = defineRequest('privacy.cmd.RequestErasure', z.object({ subjectId: Uuid }), ErasureRequestView);
export const GetErasureRequest = defineRequest('privacy.qry.GetErasureRequest', z.object({ requestId: Uuid }), ErasureRequestView);
export const RequestExport = defineRequest('privacy.cmd.RequestExport', z.object({ subjectId: Uuid }), ExportRequestView);
export const GetExportRequest = defineRequest('privacy.qry.GetExportRequest', z.object({ requestId: Uuid }), ExportRequestView);
export const ListPrivacyRequests = defineRequest(
  'privacy.qry.ListPrivacyRequests',
  z.object({ overdue: z.boolean().optional(), kind: PrivacyRequestKind.optional() }),
  z.object({ items: z.array(PrivacyRequestSummary) }),
);

export const PublishPolicy = defineRequest(
  'privacy.cmd.PublishPolicy',
  z.object({ version: PolicyVersion, text: PolicyText, url: PolicyUrl.optional(), requireAcknowledgement: z.boolean() }),
  PolicyView,
);
export const GetPolicy = defineRequest('privacy.qry.GetPolicy', z.object({}), PolicyView);
export const AcknowledgePolicy = defineRequest('privacy.cmd.AcknowledgePolicy', z.object({ version: PolicyVersion }), AcknowledgementView);
/** Withdraws the caller's acknowledgement of the current version (Art. 7(3)). */
export const WithdrawPolicyAcknowledgement = defineRequest('privacy.cmd.WithdrawPolicyAcknowledgement', z.object({}), z.object({}));
export const ListUnacknowledged = defineRequest('privacy.qry.ListUnacknowledged', z.object({}), UnacknowledgedView);

export const GetProcessingRecords = defineRequest('privacy.qry.GetProcessingRecords', z.object({}), ProcessingRecordsView);
export const SetSubProcessors = defineRequest('privacy.cmd.SetSubProcessors', z.object({ items: z.array(SubProcessor).max(100) }), z.object({ items: z.array(SubProcessor) }));

export const PlaceLegalHold = defineRequest(
  'privacy.cmd.PlaceLegalHold',
  z.object({ subjectId: Uuid, reason: LegalHoldReason, reference: LegalHoldReference.optional(), until: Timestamp.optional() }),
  LegalHoldView,
);
export const LiftLegalHold = defineRequest('privacy.cmd.LiftLegalHold', z.object({ holdId: Uuid }), z.object({}));
export const ListLegalHolds = defineRequest('privacy.qry.ListLegalHolds', z.object({}), z.object({ items: z.array(LegalHoldView) }));

/** A restriction (Art. 18) or objection (Art. 21) in force: the person's data is kept, not processed for booking. */
export const RestrictionView = z.object({
  id: Uuid,
  subjectId: Uuid,
  ground: RestrictionGround,
  placedAt: Timestamp,
  /** Who asked: the person themself, or an officer acting on their request. */
  placedBy: Uuid.nullable(),
});
/** `subjectId` absent: the caller restricts the processing of their own data. */
export const RestrictProcessing = defineRequest('privacy.cmd.RestrictProcessing', z.object({ subjectId: Uuid.optional(), ground: RestrictionGround }), RestrictionView);
export const LiftRestriction = defineRequest('privacy.cmd.LiftRestriction', z.object({ restrictionId: Uuid, reason: RestrictionLiftReason }), z.object({}));
/** Officers see every restriction in force; anyone else their own. */
export const ListRestrictions = defineRequest('privacy.qry.ListRestrictions', z.object({}), z.object({ items: z.array(RestrictionView) }));

export const ReadAuditLog = defineRequest('privacy.qry.ReadAuditLog', z.object({ from: Timestamp, to: Timestamp }), z.object({ items: z.array(AuditEntry) }));
