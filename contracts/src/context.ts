import { z } from 'zod';
import { Uuid } from './envelope.js';

/** Roles of a tenant's users. */
export const Role = z.enum(['employee', 'admin', 'analyst', 'privacy_officer']);
export type Role = z.infer<typeof Role>;

/**
 * The platform operator (PLASS_OPERATOR_TOKEN) is no tenant's user: its requests carry this role
 * and the nil tenant id.
 */
export const OPERATOR = 'operator' as const;
export const PLATFORM_TENANT = '00000000-0000-0000-0000-000000000000';
export const CallerRole = z.union([Role, z.literal(OPERATOR)]);
export type CallerRole = z.infer<typeof CallerRole>;

/** Who asks, for which tenant, as one request travels gateway → services (NATS headers). */
export const RequestContext = z.object({
  tenantId: Uuid,
  actorId: Uuid.optional(),
  roles: z.array(CallerRole),
  correlationId: Uuid,
});
export type RequestContext = z.infer<typeof RequestContext>;
