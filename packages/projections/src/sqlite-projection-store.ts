import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SAFETY_NET_PAGES, tuneConnection, WalCheckpointer } from '@plass/eventstore';
import { callSync, checkCollection, checkId, checkLimit, checkProjection, checkWhere, closedTxError, idRange, serialize } from './documents.js';
import type { FindOptions, ProjectionFn, ProjectionStore, ProjectionTx, Where } from './projection-store.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS projection_processed (
    projection TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (projection, event_id)
  ) WITHOUT ROWID;
`;

/** SQL condition and parameters matching one JSON field to a scalar of the same JSON type. */
function fieldCondition(field: string, value: string | number | boolean): { sql: string; params: unknown[] } {
  const path = `$.${field}`;
  if (typeof value === 'boolean') return { sql: 'json_type(doc, ?) = ?', params: [path, value ? 'true' : 'false'] };
  const types = typeof value === 'number' ? "('integer', 'real')" : "('text')";
  return { sql: `(json_type(doc, ?) IN ${types} AND json_extract(doc, ?) = ?)`, params: [path, path, value] };
}

/** `select` over the documents of `collection` that match `where` (and `idPrefix`, as a key range). */
function matching(select: string, collection: string, where: Where, idPrefix?: string): { sql: string; params: unknown[] } {
  const range = idRange(idPrefix);
  const conditions = [
    ...(range ? [{ sql: 'id >= ? AND id < ?', params: [range.from, range.to] }] : []),
    ...checkWhere(where).map(([field, value]) => fieldCondition(field, value)),
  ];
  return {
    sql: [`${select} FROM projection_documents WHERE collection = ?`, ...conditions.map((c) => `AND ${c.sql}`)].join(' '),
    params: [checkCollection(collection), ...conditions.flatMap((c) => c.params)],
  };
}

/**
 * Projections in one SQLite file (WAL). `secure_delete` zeroes freed pages, so a deleted or reset
 * document leaves nothing readable in the file.
 */
export function openSqliteProjectionStore(options: { file: string }): ProjectionStore {
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  // As the event store: no fsync per commit. A power loss may drop the last acknowledged updates;
  // a projection is rebuilt from the event store (ADR 0003), while an fsync per event would cap it.
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  tuneConnection(db);
  db.exec(SCHEMA);
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const checkpointer = new WalCheckpointer(options.file);

  const selectDoc = db.prepare<[string, string], { doc: string }>('SELECT doc FROM projection_documents WHERE collection = ? AND id = ?');
  const selectDocs = db.prepare<[string, string], { id: string; doc: string }>(
    'SELECT id, doc FROM projection_documents WHERE collection = ? AND id IN (SELECT value FROM json_each(?))',
  );
  const upsertDoc = db.prepare<[string, string, string]>(
    'INSERT INTO projection_documents (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
  );
  const deleteDoc = db.prepare<[string, string]>('DELETE FROM projection_documents WHERE collection = ? AND id = ?');
  const selectProcessed = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM projection_processed WHERE projection = ? AND event_id = ?');
  const insertProcessed = db.prepare<[string, string]>('INSERT INTO projection_processed (projection, event_id) VALUES (?, ?)');
  const deleteCollection = db.prepare<[string]>('DELETE FROM projection_documents WHERE collection = ?');
  const deleteProcessed = db.prepare<[string]>('DELETE FROM projection_processed WHERE projection = ?');

  const read = <T>(collection: string, id: string): T | undefined => {
    const row = selectDoc.get(checkCollection(collection), checkId(id));
    return row ? (JSON.parse(row.doc) as T) : undefined;
  };

  const applyOne = (projection: string, eventId: string, fn: ProjectionFn): boolean => {
    if (selectProcessed.get(projection, eventId)) return false;
    let open = true;
    const tx: ProjectionTx = {
      get: <T extends object>(collection: string, id: string) => {
        if (!open) throw closedTxError();
        return read<T>(collection, id);
      },
      put: (collection, id, doc) => {
        if (!open) throw closedTxError();
        upsertDoc.run(checkCollection(collection), checkId(id), serialize(doc));
      },
      delete: (collection, id) => {
        if (!open) throw closedTxError();
        deleteDoc.run(checkCollection(collection), checkId(id));
      },
    };
    try {
      callSync(fn, tx);
    } finally {
      open = false;
    }
    insertProcessed.run(projection, eventId);
    return true;
  };
  const applyInTransaction = db.transaction(applyOne);
  const applyBatchInTransaction = db.transaction((projection: string, items: ReadonlyArray<{ eventId: string; fn: ProjectionFn }>) =>
    items.map(({ eventId, fn }) => applyOne(projection, checkId(eventId), fn)),
  );

  const loadInTransaction = db.transaction((projection: string, docs: ReadonlyArray<{ collection: string; id: string; doc: object }>, eventIds: readonly string[]) => {
    // In key order: appending to the B-trees instead of inserting at random pages is several times faster for millions of rows.
    const byKey = [...docs].sort((a, b) => (a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const { collection, id, doc } of byKey) upsertDoc.run(checkCollection(collection), checkId(id), serialize(doc));
    for (const eventId of [...eventIds].sort()) insertProcessed.run(projection, checkId(eventId));
  });

  const resetInTransaction = db.transaction((projection: string, collections: string[]) => {
    for (const collection of collections) deleteCollection.run(collection);
    deleteProcessed.run(projection);
  });

  return {
    async apply(projection, eventId, fn) {
      return applyInTransaction(checkProjection(projection), checkId(eventId), fn);
    },
    async load(projection, docs, eventIds) {
      loadInTransaction(checkProjection(projection), docs, eventIds);
    },
    async applyBatch(projection, items) {
      return applyBatchInTransaction(checkProjection(projection), items);
    },
    async get<T extends object>(collection: string, id: string) {
      return read<T>(collection, id);
    },
    async getMany<T extends object>(collection: string, ids: readonly string[]) {
      const found = new Map(selectDocs.all(checkCollection(collection), JSON.stringify(ids.map(checkId))).map((row) => [row.id, row.doc]));
      return ids.map((id) => {
        const doc = found.get(id);
        return doc === undefined ? undefined : (JSON.parse(doc) as T);
      });
    },
    async find<T extends object>(collection: string, where: Where, findOptions: FindOptions = {}) {
      const { sql, params } = matching('SELECT doc', collection, where, findOptions.idPrefix);
      const rows = db.prepare<unknown[], { doc: string }>(`${sql} ORDER BY id LIMIT ?`).all(...params, checkLimit(findOptions.limit) ?? -1);
      return rows.map((row) => JSON.parse(row.doc) as T);
    },
    async count(collection: string, where: Where) {
      const { sql, params } = matching('SELECT COUNT(*) AS n', collection, where);
      return db.prepare<unknown[], { n: number }>(sql).get(...params)!.n;
    },
    async reset(projection, collections) {
      resetInTransaction(checkProjection(projection), collections.map(checkCollection));
    },
    async close() {
      if (!db.open) return;
      await checkpointer.stop();
      db.close();
    },
  };
}
