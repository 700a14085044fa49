import { z } from 'zod';
import { Uuid } from './envelope.js';

export const Role = z.enum(['employee', 'admin', 'analyst', 'privacy_officer']);
export type Role = z.infer<typeof Role>;

/** Who asks, for which tenant, as one request travels gateway → services (NATS headers). */
export const RequestContext = z.object({
  tenantId: Uuid,
  actorId: Uuid.optional(),
  roles: z.array(Role),
  correlationId: Uuid,
});
export type RequestContext = z.infer<typeof RequestContext>;
