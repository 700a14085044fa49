import {
  DestroyExpiredKeys,
  DestroySubjectKeys,
  GetKeys,
  GetOrCreateKeys,
  KeysDestroyed,
  type BroadcastContract,
  type RequestContext,
  type RequestContract,
  type RequestOf,
  type ResponseOf,
} from '@plass/contracts';
import type { z } from 'zod';
import type { KeyAudit, KeysDestroyedAudit } from './key-audit.js';
import type { KeyVault } from './key-vault.js';

/** The part of @plass/bus the key handlers need. */
export interface KeyHandlerBus {
  handle<C extends RequestContract>(contract: C, handler: (payload: RequestOf<C>, ctx: RequestContext) => Promise<ResponseOf<C>>, opts?: { queue?: string }): void;
  broadcast<B extends BroadcastContract>(contract: B, message: z.infer<B['message']>): void;
}

/** Keeps each broadcast far below NATS' max payload, however many keys retention destroys. */
export const MAX_KIDS_PER_BROADCAST = 1000;

type Destruction<E = KeysDestroyedAudit> = E extends unknown ? Omit<E, 'count'> : never;

const queue = { queue: 'privacy' };
const material = (key: Buffer) => key.toString('base64url');

/** Serves the key vault on the bus; the tenant is always the caller's (ctx.tenantId). */
/** `heldSubjects`: the tenant's people under a legal hold in force, whose keys retention keeps. */
export function registerKeyHandlers(bus: KeyHandlerBus, vault: KeyVault, audit?: KeyAudit, heldSubjects?: (tenantId: string) => Promise<string[]>): void {
  const destroyed = async (kids: string[], event: Destruction) => {
    if (kids.length === 0) return { destroyedKeys: 0 };
    for (let i = 0; i < kids.length; i += MAX_KIDS_PER_BROADCAST) {
      bus.broadcast(KeysDestroyed, { tenantId: event.tenantId, kids: kids.slice(i, i + MAX_KIDS_PER_BROADCAST) });
    }
    await audit?.keysDestroyed({ ...event, count: kids.length });
    return { destroyedKeys: kids.length };
  };

  bus.handle(
    GetOrCreateKeys,
    async ({ scopes }, ctx) => ({
      keys: (await vault.getOrCreateKeys(ctx.tenantId, scopes)).map((k) => ('erased' in k ? k : { kid: k.kid, key: material(k.key) })),
    }),
    queue,
  );

  bus.handle(
    GetKeys,
    async ({ kids }, ctx) => ({
      keys: (await vault.getKeys(ctx.tenantId, kids)).map(({ kid, key }) => ({ kid, key: key && material(key) })),
    }),
    queue,
  );

  bus.handle(
    DestroySubjectKeys,
    async ({ subjectId }, ctx) =>
      destroyed(await vault.destroySubjectKeys(ctx.tenantId, subjectId), {
        reason: 'erasure',
        tenantId: ctx.tenantId,
        subjectId,
      }),
    queue,
  );

  bus.handle(
    DestroyExpiredKeys,
    async ({ purpose, periodsBefore }, ctx) =>
      destroyed(await vault.destroyExpiredKeys(ctx.tenantId, purpose, periodsBefore, (await heldSubjects?.(ctx.tenantId)) ?? []), {
        reason: 'retention',
        tenantId: ctx.tenantId,
        purpose,
        periodsBefore,
      }),
    queue,
  );
}
