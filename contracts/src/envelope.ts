import { z } from 'zod';

export const Uuid = z.uuid();
/** ISO 8601 with an offset on input; services store and emit UTC (`Z`). */
export const Timestamp = z.iso.datetime({ offset: true });

/** W3C trace context as carried in events and NATS headers. */
export const TraceContext = z.object({
  traceparent: z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/),
  tracestate: z.string().optional(),
});
export type TraceContext = z.infer<typeof TraceContext>;

/**
 * A personal value at rest: AES-256-GCM ciphertext (tag appended) under the data key `kid`.
 * It names its key, never its subject.
 */
export const EncryptedValue = z.strictObject({
  $enc: z.literal('A256GCM'),
  kid: z.string().min(1),
  iv: z.base64url(),
  ct: z.base64url(),
});
export type EncryptedValue = z.infer<typeof EncryptedValue>;

/** What a personal value reads as after its key was destroyed. */
export const Redacted = z.strictObject({ $redacted: z.literal(true) });
export type Redacted = z.infer<typeof Redacted>;
export const REDACTED: Redacted = Object.freeze({ $redacted: true as const });
export const isRedacted = (value: unknown): value is Redacted => typeof value === 'object' && value !== null && (value as Redacted).$redacted === true;

/** Every event on the wire and in the stores. `data` holds personal fields only as EncryptedValue. */
export const EventEnvelope = z.strictObject({
  id: Uuid,
  type: z.string().regex(/^[A-Z][A-Za-z]+$/),
  schemaVersion: z.number().int().positive(),
  tenantId: Uuid,
  context: z.string().regex(/^[a-z]+$/),
  streamId: z.string().min(1).max(200),
  occurredAt: Timestamp,
  correlationId: Uuid,
  causationId: Uuid.nullable(),
  trace: TraceContext.optional(),
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;
