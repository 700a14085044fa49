import type { ProjectionFn, ProjectionTx, Where } from './projection-store.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkCollection(collection: string): string {
  if (!NAME.test(collection)) throw new RangeError(`invalid collection name ${JSON.stringify(collection)}`);
  return collection;
}

export function checkProjection(projection: string): string {
  if (!NAME.test(projection)) throw new RangeError(`invalid projection name ${JSON.stringify(projection)}`);
  return projection;
}

export function checkId(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512) throw new RangeError('invalid document id');
  return id;
}

/** Validated `where` entries; values are scalars only, so a caller's input can never become an operator. */
export function checkWhere(where: Where): [string, string | number | boolean][] {
  return Object.entries(where).map(([field, value]) => {
    if (!FIELD.test(field)) throw new RangeError(`invalid field name ${JSON.stringify(field)}`);
    const type = typeof value;
    if (type !== 'string' && type !== 'boolean' && !(type === 'number' && Number.isFinite(value))) {
      throw new RangeError(`field ${field}: only string, finite number and boolean values can be matched`);
    }
    return [field, value];
  });
}

/** The id range `[from, to)` of the ids that start with `prefix` (code point order, as both stores compare ids). */
export function idRange(prefix: string | undefined): { from: string; to: string } | undefined {
  if (prefix === undefined) return undefined;
  if (prefix.length === 0) throw new RangeError('idPrefix must not be empty');
  const last = prefix.codePointAt(prefix.length - 1)!;
  if (last >= 0xdc00 && last <= 0xdfff) throw new RangeError('idPrefix must not end inside a surrogate pair');
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCodePoint(last + 1) };
}

export function checkLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new RangeError('limit must be a positive integer');
  return limit;
}

/** The stored form of a document: its JSON text, so both adapters keep exactly what JSON can express. */
export function serialize(doc: object): string {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TypeError('a document must be a plain object');
  if (Object.hasOwn(doc, '_id')) throw new TypeError('a document may not hold _id; the id is given separately');
  return JSON.stringify(doc);
}

export class ProjectionFnNotSynchronous extends TypeError {
  constructor() {
    super('projection functions must be synchronous: read through tx.get, return nothing');
    this.name = 'ProjectionFnNotSynchronous';
  }
}

export function callSync(fn: ProjectionFn, tx: ProjectionTx): void {
  const result = fn(tx) as unknown;
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
    (result as Promise<unknown>).then(undefined, () => undefined);
    throw new ProjectionFnNotSynchronous();
  }
}

export function closedTxError(): Error {
  return new Error('ProjectionTx used after its transaction ended (did the projection function await?)');
}
