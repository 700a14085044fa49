/**
 * Reads and writes of one projection update. Synchronous on purpose: handlers are pure functions
 * `(event, tx) => void`, which lets the SQLite adapter run them inside one synchronous
 * better-sqlite3 transaction and lets the MongoDB adapter re-run them when a read needs a round trip.
 * A tx sees its own writes; it is closed once `fn` returns, and any later use throws.
 */
export interface ProjectionTx {
  get<T extends object = Record<string, unknown>>(collection: string, id: string): T | undefined;
  /** Replaces the whole document. It must be JSON (dates as ISO strings) and may not hold `_id`. */
  put(collection: string, id: string, doc: object): void;
  delete(collection: string, id: string): void;
}

/** Must not return a promise, must not swallow exceptions, and must depend on nothing but `tx`. */
export type ProjectionFn = (tx: ProjectionTx) => void;

/** Top-level equality on scalar fields. */
export type Where = Record<string, string | number | boolean>;

/** Several documents by id, in the order of `ids`: the store's `getMany` where it has one, else one `get` each. */
export function getDocuments<T extends object>(store: ProjectionStore, collection: string, ids: readonly string[]): Promise<Array<T | undefined>> {
  return store.getMany ? store.getMany<T>(collection, ids) : Promise.all(ids.map((id) => store.get<T>(collection, id)));
}

/** How many documents of `collection` match `where`: the store's `count` where it has one, else the length of a `find`. */
export async function countDocuments(store: ProjectionStore, collection: string, where: Where = {}): Promise<number> {
  return store.count ? store.count(collection, where) : (await store.find(collection, where)).length;
}

export interface FindOptions {
  limit?: number;
  idPrefix?: string;
}

export interface ProjectionStore {
  /** Applies `fn` and records `eventId` as processed in the SAME transaction; returns false (and does not call fn) if this projection already processed eventId. */
  apply(projection: string, eventId: string, fn: ProjectionFn): Promise<boolean>;
  /**
   * Several `apply`s in order in ONE transaction (a group commit), answering each one's result;
   * if any throws, none is applied and the call rejects. Optional: stores without it get `apply`s.
   */
  applyBatch?(projection: string, items: ReadonlyArray<{ eventId: string; fn: ProjectionFn }>): Promise<boolean[]>;
  get<T extends object = Record<string, unknown>>(collection: string, id: string): Promise<T | undefined>;
  /** Several documents by id in one read, in the order of `ids` (`undefined` where none). Optional: else one `get` each. */
  getMany?<T extends object = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Array<T | undefined>>;
  /**
   * Documents in id order. `idPrefix` keeps those whose id starts with it, read as a range of the
   * primary key: a collection keyed `<owner>|<item>` answers one owner's items without a scan.
   */
  find<T extends object = Record<string, unknown>>(collection: string, where: Where, options?: FindOptions): Promise<T[]>;
  /** How many documents `find(collection, where)` would answer, without reading them. Optional: else a `find`. */
  count?(collection: string, where: Where): Promise<number>;
  /**
   * Writes a rebuilt projection at once: the documents, and the event ids as processed, into
   * collections `reset` has just emptied. Optional: stores without it are rebuilt event by event.
   */
  load?(projection: string, docs: ReadonlyArray<{ collection: string; id: string; doc: object }>, eventIds: readonly string[]): Promise<void>;
  /** Drops the projection's collections and its processed ids (for rebuilds). */
  reset(projection: string, collections: string[]): Promise<void>;
  close(): Promise<void>;
}
