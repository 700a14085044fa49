/**
 * NATS names. Subjects and stream names carry tenant ids, contexts and types only, never personal data.
 */
export const Streams = {
  events: 'PLASS_EVENTS',
  deadLetters: 'PLASS_DLQ',
  /** Leader leases of periodic workers (one message per lease). */
  leases: 'PLASS_LEASES',
  /** The gateway's Idempotency-Key records (one message per key, kept 24 h). */
  idempotency: 'PLASS_IDEMPOTENCY',
} as const;

export const Subjects = {
  /** `evt.<tenant>.<context>.<EventType>` — what the relays publish to PLASS_EVENTS. */
  event: (tenantId: string, context: string, type: string) => `evt.${tenantId}.${context}.${type}`,
  allEvents: 'evt.>',
  eventsOfContext: (context: string) => `evt.*.${context}.>`,
  eventsOfType: (context: string, type: string) => `evt.*.${context}.${type}`,
  deadLetter: (durable: string) => `dlq.${durable}`,
  allDeadLetters: 'dlq.>',
} as const;

/** NATS header names used across services. */
export const Headers = {
  tenant: 'Plass-Tenant',
  actor: 'Plass-Actor',
  roles: 'Plass-Roles',
  correlationId: 'Plass-Correlation-Id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  msgId: 'Nats-Msg-Id',
} as const;
