import {
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
import type { KeyVault } from './key-vault.js';

/** The part of @plass/bus the key handlers need. */
export interface KeyHandlerBus {
  handle<C extends RequestContract>(
    contract: C,
    handler: (payload: RequestOf<C>, ctx: RequestContext) => Promise<ResponseOf<C>>,
    opts?: { queue?: string },
  ): void;
  broadcast<B extends BroadcastContract>(contract: B, message: z.infer<B['message']>): void;
}

const queue = { queue: 'privacy' };
const material = (key: Buffer) => key.toString('base64url');

/** Serves the key vault on the bus; the tenant is always the caller's (ctx.tenantId). */
export function registerKeyHandlers(bus: KeyHandlerBus, vault: KeyVault): void {
  bus.handle(
    GetOrCreateKeys,
    async ({ scopes }, ctx) => ({
      keys: (await vault.getOrCreateKeys(ctx.tenantId, scopes)).map((k) =>
        'erased' in k ? k : { kid: k.kid, key: material(k.key) },
      ),
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
    async ({ subjectId }, ctx) => {
      const kids = await vault.destroySubjectKeys(ctx.tenantId, subjectId);
      if (kids.length > 0) bus.broadcast(KeysDestroyed, { tenantId: ctx.tenantId, kids });
      return { destroyedKeys: kids.length };
    },
    queue,
  );
}
