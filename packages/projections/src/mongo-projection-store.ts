import { MongoClient, MongoServerError, type AnyBulkWriteOperation, type ClientSession, type Db } from 'mongodb';
import { runBuffered, type BufferedWrite } from './buffered-tx.js';
import { checkCollection, checkId, checkLimit, checkProjection, checkWhere, idRange, serialize } from './documents.js';
import type { FindOptions, ProjectionFn, ProjectionStore, Where } from './projection-store.js';

const PROCESSED = '_processed';
const DUPLICATE_KEY = 11000;

interface StoredDoc {
  _id: string;
  [field: string]: unknown;
}

interface ProcessedEvent {
  projection: string;
  eventId: string;
  at: Date;
}

/** Transactions need a replica set (or mongos); a standalone server has none. */
async function supportsTransactions(db: Db): Promise<boolean> {
  const hello = await db.admin().command({ hello: 1 });
  return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
}

function bulkOperations(writes: BufferedWrite[]): Map<string, AnyBulkWriteOperation<StoredDoc>[]> {
  const byCollection = new Map<string, AnyBulkWriteOperation<StoredDoc>[]>();
  for (const { collection, id, json } of writes) {
    const operations = byCollection.get(collection) ?? [];
    operations.push(json === null ? { deleteOne: { filter: { _id: id } } } : { replaceOne: { filter: { _id: id }, replacement: JSON.parse(json) as StoredDoc, upsert: true } });
    byCollection.set(collection, operations);
  }
  return byCollection;
}

/**
 * Projections in a MongoDB database, one MongoDB collection per projection collection, plus
 * `_processed` (projection, eventId). On a replica set (production, and the testcontainers suite)
 * a document update and its processed mark commit in one transaction. On a standalone server
 * there are no transactions: writes land first, then the mark, so a crash in between re-applies
 * the event once it is redelivered (at-least-once); `fn` still either fully applies or not at all.
 */
export async function openMongoProjectionStore(options: { url: string; database: string }): Promise<ProjectionStore> {
  const client = new MongoClient(options.url);
  await client.connect();
  const db = client.db(options.database);
  const processed = db.collection<ProcessedEvent>(PROCESSED);
  await processed.createIndex({ projection: 1, eventId: 1 }, { unique: true });
  const transactional = await supportsTransactions(db);

  const documents = (collection: string) => db.collection<StoredDoc>(checkCollection(collection));

  async function loadJson(collection: string, id: string, session?: ClientSession): Promise<string | null> {
    const doc = await documents(collection).findOne({ _id: checkId(id) }, { projection: { _id: 0 }, ...(session ? { session } : {}) });
    return doc ? JSON.stringify(doc) : null;
  }

  async function applyOnce(projection: string, eventId: string, fn: ProjectionFn, session?: ClientSession): Promise<boolean> {
    const inSession = session ? { session } : {};
    if (await processed.findOne({ projection, eventId }, inSession)) return false;
    const writes = await runBuffered(fn, (collection, id) => loadJson(collection, id, session));
    for (const [collection, operations] of bulkOperations(writes)) {
      await documents(collection).bulkWrite(operations, { ordered: true, ...inSession });
    }
    try {
      await processed.insertOne({ projection, eventId, at: new Date() }, inSession);
    } catch (error) {
      // Only reachable without a transaction: another consumer applied the same event concurrently.
      if (!session && error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
    return true;
  }

  return {
    async apply(projection, eventId, fn) {
      checkProjection(projection);
      checkId(eventId);
      if (!transactional) return applyOnce(projection, eventId, fn);
      const session = client.startSession();
      try {
        return await session.withTransaction(() => applyOnce(projection, eventId, fn, session), {
          readConcern: { level: 'snapshot' },
          writeConcern: { w: 'majority' },
        });
      } finally {
        await session.endSession();
      }
    },
    async get<T extends object>(collection: string, id: string) {
      const json = await loadJson(collection, id);
      return json === null ? undefined : (JSON.parse(json) as T);
    },
    async getMany<T extends object>(collection: string, ids: readonly string[]) {
      const docs = await documents(collection)
        .find({ _id: { $in: ids.map(checkId) } })
        .toArray();
      const byId = new Map(docs.map(({ _id, ...doc }) => [_id, doc]));
      return ids.map((id) => byId.get(id) as T | undefined);
    },
    async find<T extends object>(collection: string, where: Where, findOptions: FindOptions = {}) {
      const range = idRange(findOptions.idPrefix);
      const filter = { ...Object.fromEntries(checkWhere(where)), ...(range ? { _id: { $gte: range.from, $lt: range.to } } : {}) };
      const limit = checkLimit(findOptions.limit);
      const docs = await documents(collection)
        .find(filter, { projection: { _id: 0 }, sort: { _id: 1 }, ...(limit ? { limit } : {}) })
        .toArray();
      return docs as unknown as T[];
    },
    async count(collection: string, where: Where) {
      return documents(collection).countDocuments(Object.fromEntries(checkWhere(where)));
    },
    async load(projection, docs, eventIds) {
      checkProjection(projection);
      const byCollection = new Map<string, StoredDoc[]>();
      for (const { collection, id, doc } of docs) {
        serialize(doc);
        byCollection.set(collection, [...(byCollection.get(collection) ?? []), { ...doc, _id: checkId(id) }]);
      }
      for (const [collection, batch] of byCollection)
        for (let i = 0; i < batch.length; i += 1000) await documents(collection).insertMany(batch.slice(i, i + 1000), { ordered: false });
      const at = new Date();
      for (let i = 0; i < eventIds.length; i += 1000)
        await processed.insertMany(
          eventIds.slice(i, i + 1000).map((eventId) => ({ projection, eventId, at })),
          { ordered: false },
        );
    },
    async reset(projection, collections) {
      checkProjection(projection);
      for (const collection of collections) await documents(collection).deleteMany({});
      await processed.deleteMany({ projection });
    },
    async close() {
      await client.close();
    },
  };
}
