import { z } from 'zod';
import { Timestamp, Uuid } from '../envelope.js';
import { Purpose } from '../pii.js';
import { defineBroadcast, defineRequest } from './define.js';

/** A key is scoped to one subject, one purpose and optionally one period (e.g. an ISO week of bookings). */
export const KeyScope = z.object({
  subjectId: Uuid,
  purpose: Purpose,
  period: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,32}$/)
    .optional(),
});
export type KeyScope = z.infer<typeof KeyScope>;

/** Unwrapped data key in transit (NATS with TLS in production): 32 bytes, base64url. */
const KeyMaterial = z.base64url().length(43);

export const GetOrCreateKeys = defineRequest(
  'privacy.keys.GetOrCreate',
  z.object({ scopes: z.array(KeyScope).min(1).max(100) }),
  /** In the order of `scopes`; a fenced (erased) subject gets `{erased: true}`, never a new key. */
  z.object({
    keys: z.array(z.union([z.object({ kid: z.string(), key: KeyMaterial }), z.object({ erased: z.literal(true) })])),
  }),
);

/** `key: null` — destroyed (or never existed): the value is shredded. */
export const GetKeys = defineRequest(
  'privacy.keys.Get',
  z.object({ kids: z.array(z.string().min(1).max(64)).min(1).max(500) }),
  z.object({ keys: z.array(z.object({ kid: z.string(), key: KeyMaterial.nullable() })) }),
);

export const DestroySubjectKeys = defineRequest('privacy.cmd.DestroySubjectKeys', z.object({ subjectId: Uuid }), z.object({ destroyedKeys: z.number().int().nonnegative() }));

/** Every service evicts these keys from its cache at once; the bounded cache TTL covers a missed broadcast. */
export const KeysDestroyed = defineBroadcast('privacy.broadcast.KeysDestroyed', z.object({ tenantId: Uuid, kids: z.array(z.string()) }));

/**
 * Retention: destroys the tenant's keys of `purpose` whose period sorts before `periodsBefore`
 * (booking periods are UTC days, `2030-03-10`, so text order is time order). Answers the count.
 */
export const DestroyExpiredKeys = defineRequest(
  'privacy.cmd.DestroyExpiredKeys',
  z.object({ purpose: Purpose, periodsBefore: z.string().regex(/^[0-9A-Za-z-]{1,32}$/) }),
  z.object({ destroyedKeys: z.number().int().nonnegative() }),
);

// ── Erasure and export participants ─────────────────────────────────────────────────────────
//
// The privacy service drives erasure and export; every participating service answers these on
// `<service>.privacy.*` (queue group = the service). All are idempotent: the saga retries them.

/** A service taking part in erasure and export, as it names itself in receipts and bundles. */
export const ServiceName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/);

/**
 * Last step of an erasure, after the keys are gone: evict cached keys of the subject and drop
 * whatever the service derived from their data (blind indexes, ledgers, cached names). The answer is the receipt.
 */
export const forgetSubject = (service: string) =>
  defineRequest(`${service}.privacy.ForgetSubject`, z.object({ erasureId: Uuid, subjectId: Uuid }), z.object({ service: ServiceName, acknowledgedAt: Timestamp }));

/**
 * Art. 15/20: everything the service holds about the subject, decrypted, as JSON sections
 * (`profile`, `bookings`, `notifications`, `consents`, …) merged into the export bundle.
 */
export const exportSubject = (service: string) =>
  defineRequest(`${service}.privacy.ExportSubject`, z.object({ subjectId: Uuid }), z.object({ service: ServiceName, sections: z.record(z.string(), z.unknown()) }));

/** Erasure step 3 (after deactivation): cancel every booking of the subject that has not ended (reason `erasure`, no cutoff). */
export const CancelSubjectBookings = defineRequest(
  'booking.privacy.CancelSubjectBookings',
  z.object({ erasureId: Uuid, subjectId: Uuid }),
  z.object({ cancelled: z.number().int().nonnegative() }),
);

/**
 * A restriction (Art. 18/21) placed or lifted: booking applies it to its gate before privacy
 * answers, so "restricted" is in force once the request has answered. Idempotent; booking's
 * consumer of privacy's events applies the same change for a booking that was not reachable.
 */
export const ApplyRestriction = defineRequest(
  'booking.privacy.ApplyRestriction',
  z.object({ restrictionId: Uuid, subjectId: Uuid, inForce: z.boolean() }),
  z.object({ applied: z.boolean() }),
);

/** Whether the subject is a user of the caller's tenant (erasure and export requests name one). */
export const LookupSubject = defineRequest('identity.privacy.LookupSubject', z.object({ subjectId: Uuid }), z.object({ exists: z.boolean(), active: z.boolean() }));

/** Erasure step 2: deactivate the user and revoke their refresh tokens. Idempotent. */
export const DeactivateSubject = defineRequest('identity.privacy.DeactivateSubject', z.object({ erasureId: Uuid, subjectId: Uuid }), z.object({ deactivated: z.boolean() }));

// ── Policy acknowledgement, asked by booking ────────────────────────────────────────────────

/** Whether the user may book as far as the privacy policy goes. */
export const PolicyAcknowledgementStatus = defineRequest(
  'privacy.qry.PolicyAcknowledgementStatus',
  z.object({ userId: Uuid }),
  z.object({ required: z.boolean(), currentVersion: z.string().nullable(), acknowledged: z.boolean() }),
);
