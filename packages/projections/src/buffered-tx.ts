import { callSync, checkCollection, checkId, closedTxError, ProjectionFnNotSynchronous, serialize } from './documents.js';
import type { ProjectionFn, ProjectionTx } from './projection-store.js';

export interface BufferedWrite {
  collection: string;
  id: string;
  /** JSON text, or null for a delete. */
  json: string | null;
}

type Load = (collection: string, id: string) => Promise<string | null>;

/** Thrown through `fn` to stop a run that needs a read from the store first. */
class NeedsRead {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {}
}

/** A projection function that needs more than this many distinct reads is a design error. */
const MAX_READS = 1000;

/**
 * Runs a synchronous projection function against an asynchronous store: a read the run has not
 * loaded yet stops it, the document is loaded, and `fn` runs again from the start with that
 * document known. Writes are buffered and only the last, complete run's are returned, so a throw
 * leaves nothing behind. Correct because `fn` is pure over `tx`: a re-run repeats the same reads.
 * A run that asked for an unknown read is discarded even if `fn` caught the stop signal.
 */
export async function runBuffered(fn: ProjectionFn, load: Load): Promise<BufferedWrite[]> {
  const known = new Map<string, string | null>();
  for (;;) {
    const writes = new Map<string, BufferedWrite>();
    let needed: NeedsRead | undefined;
    let open = true;
    const key = (collection: string, id: string) => `${checkCollection(collection)}\u0000${checkId(id)}`;
    const tx: ProjectionTx = {
      get<T extends object>(collection: string, id: string): T | undefined {
        if (!open) throw closedTxError();
        const k = key(collection, id);
        const json = writes.has(k) ? writes.get(k)!.json : known.get(k);
        if (json === undefined) {
          needed ??= new NeedsRead(collection, id);
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- a control-flow signal, not a failure: no stack to capture, and a projection's own `catch (e: Error)` must not mistake it for one
          throw needed;
        }
        return json === null ? undefined : (JSON.parse(json) as T);
      },
      put(collection, id, doc) {
        if (!open) throw closedTxError();
        writes.set(key(collection, id), { collection, id, json: serialize(doc) });
      },
      delete(collection, id) {
        if (!open) throw closedTxError();
        writes.set(key(collection, id), { collection, id, json: null });
      },
    };
    let failure: unknown;
    let failed = false;
    try {
      callSync(fn, tx);
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      open = false;
    }
    if (failure instanceof ProjectionFnNotSynchronous) throw failure;
    if (needed) {
      if (known.size >= MAX_READS) throw new Error(`projection function read more than ${MAX_READS} documents`);
      known.set(key(needed.collection, needed.id), await load(needed.collection, needed.id));
      continue;
    }
    if (failed) throw failure;
    return [...writes.values()];
  }
}
