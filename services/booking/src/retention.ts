import type { ProjectionStore } from '@plass/projections';
import { retentionCutoff } from '@plass/contracts';
import { RETENTION, type RetentionDocument } from './read-model.js';

/** Asks the key vault to destroy a tenant's booking keys of every period before `periodsBefore`; answers how many. */
export type DestroyExpiredBookingKeys = (tenantId: string, periodsBefore: string) => Promise<number>;

/**
 * Retention (ADR 0009): for every tenant that anonymizes bookings after N days, the booking keys
 * of each UTC day that is over and N days past are destroyed. Bookings of those days keep space,
 * kind and times; their booker, title and ledger entries read as redacted. Profile keys are never
 * touched. Idempotent, so it may run late, early or twice.
 */
export class Retention {
  constructor(private readonly deps: { readModel: ProjectionStore; now: () => Date; destroyExpiredKeys: DestroyExpiredBookingKeys }) {}

  async run(onError?: (error: unknown, tenantId: string) => void): Promise<{ tenants: number; destroyedKeys: number }> {
    const now = this.deps.now();
    const tenants = await this.deps.readModel.find<RetentionDocument>(RETENTION, {});
    let destroyedKeys = 0;
    for (const tenant of tenants) {
      try {
        destroyedKeys += await this.deps.destroyExpiredKeys(tenant.id, retentionCutoff(now, tenant.anonymizeBookingsAfterDays));
      } catch (error) {
        onError?.(error, tenant.id);
      }
    }
    return { tenants: tenants.length, destroyedKeys };
  }
}
