import { randomUUID } from 'node:crypto';
import { GetKeys, GetOrCreateKeys, KeysDestroyed, type BroadcastContract, type RequestContext, type RequestContract, type RequestOf, type ResponseOf } from '@plass/contracts';
import type { z } from 'zod';
import { Coalescer } from './coalescer.js';
import { SubjectErasedError, type DataKey, type KeyProvider, type KeyScope } from './key-provider.js';
import { TtlCache } from './ttl-cache.js';

/** The part of @plass/bus this client needs. */
export interface KeyBus {
  request<C extends RequestContract>(contract: C, payload: RequestOf<C>, ctx: RequestContext, opts?: { timeoutMs?: number }): Promise<ResponseOf<C>>;
  onBroadcast<B extends BroadcastContract>(contract: B, handler: (message: z.infer<B['message']>) => void): void;
}

export interface NatsKeyClientOptions {
  /** How long an unwrapped key (or a "destroyed" answer) is trusted without asking the vault again. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
  timeoutMs?: number;
}

type ScopeAnswer = DataKey | 'erased';

const KEY_BYTES = 32;
const cacheKey = (tenantId: string, id: string) => `${tenantId}/${id}`;
const scopeId = (s: KeyScope) => `${s.subjectId}/${s.purpose}/${s.period ?? ''}`;

/** KeyProvider over the privacy service's key vault, with request coalescing and a bounded cache. */
export class NatsKeyClient implements KeyProvider {
  private readonly keysByKid: TtlCache<Buffer | null>;
  private readonly keysByScope: TtlCache<ScopeAnswer>;
  private readonly kidLoader: Coalescer<string, Buffer | null>;
  private readonly scopeLoader: Coalescer<KeyScope, ScopeAnswer>;
  /** One set per request in flight, collecting kids destroyed while it was out, so a late answer is not cached. */
  private readonly destroyedWhileFetching = new Set<Set<string>>();

  constructor(
    private readonly bus: KeyBus,
    private readonly options: NatsKeyClientOptions = {},
  ) {
    const cacheOptions = {
      ttlMs: options.ttlMs ?? 30_000,
      maxEntries: options.maxEntries ?? 10_000,
      now: options.now ?? Date.now,
    };
    this.keysByKid = new TtlCache(cacheOptions);
    this.keysByScope = new TtlCache(cacheOptions);
    this.kidLoader = new Coalescer((tenantId, items) => this.fetchByKid(tenantId, items), maxItems(GetKeys.request.shape.kids));
    this.scopeLoader = new Coalescer((tenantId, items) => this.fetchByScope(tenantId, items), maxItems(GetOrCreateKeys.request.shape.scopes));
    bus.onBroadcast(KeysDestroyed, ({ tenantId, kids }) => this.evict(tenantId, kids));
  }

  async keyFor(scope: KeyScope): Promise<DataKey> {
    const id = scopeId(scope);
    const answer = this.keysByScope.get(cacheKey(scope.tenantId, id))?.value ?? (await this.scopeLoader.load(scope.tenantId, id, scope));
    if (answer === 'erased') throw new SubjectErasedError();
    return answer;
  }

  async keysById(tenantId: string, kids: string[]): Promise<Map<string, Buffer | null>> {
    const result = new Map<string, Buffer | null>();
    const loads: Promise<unknown>[] = [];
    for (const kid of new Set(kids)) {
      const hit = this.keysByKid.get(cacheKey(tenantId, kid));
      if (hit) result.set(kid, hit.value);
      else loads.push(this.kidLoader.load(tenantId, kid, kid).then((key) => result.set(kid, key)));
    }
    await Promise.all(loads);
    return result;
  }

  private evict(tenantId: string, kids: string[]): void {
    const destroyed = new Set(kids.map((kid) => cacheKey(tenantId, kid)));
    for (const kid of destroyed) this.keysByKid.delete(kid);
    this.keysByScope.deleteWhere((key, answer) => answer !== 'erased' && destroyed.has(cacheKey(tenantId, answer.kid)) && key.startsWith(`${tenantId}/`));
    for (const watcher of this.destroyedWhileFetching) for (const kid of destroyed) watcher.add(kid);
  }

  private async fetchByKid(tenantId: string, items: Array<{ id: string }>): Promise<Map<string, Buffer | null>> {
    const kids = items.map((i) => i.id);
    const { answer, destroyed } = await this.watching(() => this.bus.request(GetKeys, { kids }, this.contextFor(tenantId), this.requestOptions()));
    const byKid = new Map(answer.keys.map((k) => [k.kid, k.key]));
    const result = new Map<string, Buffer | null>();
    for (const kid of kids) {
      const material = byKid.get(kid);
      const key = material && !destroyed.has(cacheKey(tenantId, kid)) ? decodeKey(material) : null;
      result.set(kid, key);
      this.keysByKid.set(cacheKey(tenantId, kid), key);
    }
    return result;
  }

  private async fetchByScope(tenantId: string, items: Array<{ id: string; item: KeyScope }>): Promise<Map<string, ScopeAnswer>> {
    const scopes = items.map(({ item: { subjectId, purpose, period } }) => (period === undefined ? { subjectId, purpose } : { subjectId, purpose, period }));
    const { answer, destroyed } = await this.watching(() => this.bus.request(GetOrCreateKeys, { scopes }, this.contextFor(tenantId), this.requestOptions()));
    if (answer.keys.length !== items.length) throw new Error('Key service answered a different number of keys');
    const result = new Map<string, ScopeAnswer>();
    items.forEach(({ id }, i) => {
      const entry = answer.keys[i]!;
      if ('erased' in entry) {
        result.set(id, 'erased');
        this.keysByScope.set(cacheKey(tenantId, id), 'erased');
        return;
      }
      const dataKey = { kid: entry.kid, key: decodeKey(entry.key) };
      result.set(id, dataKey);
      // A key destroyed while its answer travelled is handed out once more but never cached.
      if (destroyed.has(cacheKey(tenantId, entry.kid))) return;
      this.keysByScope.set(cacheKey(tenantId, id), dataKey);
      this.keysByKid.set(cacheKey(tenantId, entry.kid), dataKey.key);
    });
    return result;
  }

  private async watching<T>(request: () => Promise<T>): Promise<{ answer: T; destroyed: Set<string> }> {
    const destroyed = new Set<string>();
    this.destroyedWhileFetching.add(destroyed);
    try {
      return { answer: await request(), destroyed };
    } finally {
      this.destroyedWhileFetching.delete(destroyed);
    }
  }

  private contextFor(tenantId: string): RequestContext {
    return { tenantId, roles: [], correlationId: randomUUID() };
  }

  private requestOptions(): { timeoutMs?: number } {
    return this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs };
  }
}

function decodeKey(material: string): Buffer {
  const key = Buffer.from(material, 'base64url');
  if (key.length !== KEY_BYTES) throw new Error('Key service answered a key of the wrong length');
  return key;
}

/** The contract's array limit, so batches follow the contract if it changes. */
function maxItems(schema: z.ZodArray): number {
  for (const check of schema.def.checks ?? []) {
    const def = check._zod.def as { check: string; maximum?: number };
    if (def.check === 'max_length' && def.maximum !== undefined) return def.maximum;
  }
  throw new Error('Array contract has no maximum length');
}
