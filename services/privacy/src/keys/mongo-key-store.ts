import type { Purpose } from '@plass/contracts';
import { Binary, MongoClient, MongoServerError, type Collection, type Db } from 'mongodb';
import type { KeyStore, Rewrap, ScopeRef, StoredKey, StoredSecret } from './key-store.js';

interface KeyDoc {
  _id: string;
  tenantId: string;
  subjectRef: Binary;
  purpose: Purpose;
  period: string;
  kekId: string;
  wrappedKey: Binary;
  createdAt: string;
}

interface FenceDoc {
  /** `<tenant>:<subject ref, base64url>`. */
  _id: string;
  fencedAt: string;
}

interface SecretDoc {
  _id: string;
  kekId: string;
  wrapped: Binary;
  createdAt: string;
}

export interface MongoKeyStoreOptions {
  url: string;
  database: string;
}

const DUPLICATE_KEY = 11000;
const DELETE_BATCH = 1000;
const INSERT_ATTEMPTS = 3;
// A minted key may already protect data and a fence must survive a failover: both wait for a journaled majority.
const durable = { writeConcern: { w: 'majority' as const, journal: true } };

const bytes = (binary: Binary) => Buffer.from(binary.value());
const fenceId = (tenantId: string, subjectRef: Buffer) => `${tenantId}:${subjectRef.toString('base64url')}`;
const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

const toStoredKey = (doc: KeyDoc): StoredKey => ({
  kid: doc._id,
  tenantId: doc.tenantId,
  subjectRef: bytes(doc.subjectRef),
  purpose: doc.purpose,
  period: doc.period,
  kekId: doc.kekId,
  wrappedKey: bytes(doc.wrappedKey),
  createdAt: doc.createdAt,
});

const toKeyDoc = (key: StoredKey): KeyDoc => ({
  _id: key.kid,
  tenantId: key.tenantId,
  subjectRef: new Binary(key.subjectRef),
  purpose: key.purpose,
  period: key.period,
  kekId: key.kekId,
  wrappedKey: new Binary(key.wrappedKey),
  createdAt: key.createdAt,
});

const toStoredSecret = (doc: SecretDoc): StoredSecret => ({
  name: doc._id,
  kekId: doc.kekId,
  wrapped: bytes(doc.wrapped),
  createdAt: doc.createdAt,
});

/**
 * The key vault in a MongoDB database: `data_keys`, `fenced_subjects`, `vault_secrets`. Needs no
 * transactions (works on a standalone server and a replica set): erasure writes the fence FIRST and
 * then deletes, and minting checks the fence AFTER its insert and withdraws the insert if fenced.
 * Either the minter sees the fence, or its insert came before the fence and so before the delete.
 * A deleted document survives in the oplog and in backups for their window (ADR 0010).
 */
export class MongoKeyStore implements KeyStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<KeyDoc>,
    private readonly fences: Collection<FenceDoc>,
    private readonly secrets: Collection<SecretDoc>,
  ) {}

  static async open(options: MongoKeyStoreOptions): Promise<MongoKeyStore> {
    const client = new MongoClient(options.url);
    await client.connect();
    try {
      const db: Db = client.db(options.database);
      const keys = db.collection<KeyDoc>('data_keys', durable);
      await keys.createIndex({ tenantId: 1, subjectRef: 1, purpose: 1, period: 1 }, { unique: true, name: 'scope' });
      await keys.createIndex({ tenantId: 1, purpose: 1, period: 1 }, { name: 'period' });
      return new MongoKeyStore(client, keys, db.collection<FenceDoc>('fenced_subjects', durable), db.collection<SecretDoc>('vault_secrets', durable));
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async findByScope(scope: ScopeRef): Promise<StoredKey | undefined> {
    const doc = await this.keys.findOne({
      tenantId: scope.tenantId,
      subjectRef: new Binary(scope.subjectRef),
      purpose: scope.purpose,
      period: scope.period,
    });
    return doc ? toStoredKey(doc) : undefined;
  }

  async insertUnlessExists(key: StoredKey): Promise<StoredKey | 'fenced'> {
    for (let attempt = 1; ; attempt++) {
      if (await this.isFenced(key.tenantId, key.subjectRef)) return 'fenced';
      try {
        await this.keys.insertOne(toKeyDoc(key));
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await this.findByScope(key);
        if (await this.isFenced(key.tenantId, key.subjectRef)) return 'fenced';
        if (existing) return existing;
        // The winner was destroyed (by retention) between our insert and our read: mint again.
        if (attempt === INSERT_ATTEMPTS) throw new Error(`Could not mint a key for scope of ${key.kid} after ${attempt} attempts`, { cause: error });
        continue;
      }
      if (await this.isFenced(key.tenantId, key.subjectRef)) {
        await this.keys.deleteOne({ _id: key.kid });
        return 'fenced';
      }
      return key;
    }
  }

  async findByKids(tenantId: string, kids: string[]): Promise<StoredKey[]> {
    return (await this.keys.find({ tenantId, _id: { $in: kids } }).toArray()).map(toStoredKey);
  }

  async isFenced(tenantId: string, subjectRef: Buffer): Promise<boolean> {
    return (await this.fences.countDocuments({ _id: fenceId(tenantId, subjectRef) }, { limit: 1 })) > 0;
  }

  async destroySubject(tenantId: string, subjectRef: Buffer, fencedAt: string): Promise<string[]> {
    await this.fences.updateOne({ _id: fenceId(tenantId, subjectRef) }, { $setOnInsert: { fencedAt } }, { upsert: true });
    const subject = { tenantId, subjectRef: new Binary(subjectRef) };
    const kids = await this.kidsOf(subject);
    // By subject, not by kid: a key minted after the fence is withdrawn by its minter, or here.
    await this.keys.deleteMany(subject);
    return kids;
  }

  async destroyPeriodsBefore(tenantId: string, purpose: Purpose, periodsBefore: string, keep: readonly Buffer[] = []): Promise<string[]> {
    const kids = await this.kidsOf({
      tenantId,
      purpose,
      period: { $gt: '', $lt: periodsBefore },
      ...(keep.length > 0 ? { subjectRef: { $nin: keep.map((ref) => new Binary(ref)) } } : {}),
    });
    for (let i = 0; i < kids.length; i += DELETE_BATCH) {
      await this.keys.deleteMany({ tenantId, _id: { $in: kids.slice(i, i + DELETE_BATCH) } });
    }
    return kids;
  }

  async findWrappedOtherThan(kekId: string, afterKid: string, limit: number): Promise<StoredKey[]> {
    const docs = await this.keys
      .find({ _id: { $gt: afterKid }, kekId: { $ne: kekId } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toStoredKey);
  }

  async rewrap(rewraps: Rewrap[]): Promise<number> {
    if (rewraps.length === 0) return 0;
    const result = await this.keys.bulkWrite(
      rewraps.map((r) => ({
        updateOne: {
          filter: { _id: r.kid, kekId: r.fromKekId },
          update: { $set: { kekId: r.kekId, wrappedKey: new Binary(r.wrappedKey) } },
        },
      })),
      { ordered: false },
    );
    return result.modifiedCount;
  }

  async findSecret(name: string): Promise<StoredSecret | undefined> {
    const doc = await this.secrets.findOne({ _id: name });
    return doc ? toStoredSecret(doc) : undefined;
  }

  async insertSecretUnlessExists(secret: StoredSecret): Promise<StoredSecret> {
    try {
      await this.secrets.insertOne({
        _id: secret.name,
        kekId: secret.kekId,
        wrapped: new Binary(secret.wrapped),
        createdAt: secret.createdAt,
      });
      return secret;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.findSecret(secret.name))!;
    }
  }

  async rewrapSecret(name: string, fromKekId: string, kekId: string, wrapped: Buffer): Promise<boolean> {
    const result = await this.secrets.updateOne({ _id: name, kekId: fromKekId }, { $set: { kekId, wrapped: new Binary(wrapped) } });
    return result.modifiedCount === 1;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async kidsOf(filter: Record<string, unknown>): Promise<string[]> {
    const docs = await this.keys.find(filter, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id);
  }
}
