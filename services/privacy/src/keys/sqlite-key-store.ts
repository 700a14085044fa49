import Database from 'better-sqlite3';
import type { Purpose } from '@plass/contracts';
import { tuneConnection } from '@plass/eventstore';
import type { KeyStore, Rewrap, ScopeRef, StoredKey, StoredSecret } from './key-store.js';

interface KeyRow {
  kid: string;
  tenant_id: string;
  subject_ref: Buffer;
  purpose: string;
  period: string;
  kek_id: string;
  wrapped_key: Buffer;
  created_at: string;
}

/**
 * Keys by kid, each looked up by the primary key: the kids drive the loop (CROSS JOIN keeps that
 * order). Written as `tenant_id = ? AND kid IN (…)`, SQLite without statistics took the tenant's
 * rows through `data_keys_by_period` and filtered them, a scan of every key of the tenant per
 * lookup — 21 ms at 80,000 keys, what a year of bookings mints (docs/benchmarks.md).
 */
export const KEYS_BY_KIDS = 'SELECT data_keys.* FROM json_each(?) AS wanted CROSS JOIN data_keys ON data_keys.kid = wanted.value WHERE data_keys.tenant_id = ?';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS data_keys (
  kid         TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  subject_ref BLOB NOT NULL,
  purpose     TEXT NOT NULL,
  period      TEXT NOT NULL,
  kek_id      TEXT NOT NULL,
  wrapped_key BLOB NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (tenant_id, subject_ref, purpose, period)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS data_keys_by_period ON data_keys (tenant_id, purpose, period);
CREATE TABLE IF NOT EXISTS fenced_subjects (
  tenant_id   TEXT NOT NULL,
  subject_ref BLOB NOT NULL,
  fenced_at   TEXT NOT NULL,
  PRIMARY KEY (tenant_id, subject_ref)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vault_secrets (
  name       TEXT PRIMARY KEY,
  kek_id     TEXT NOT NULL,
  wrapped    BLOB NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
`;

interface SecretRow {
  name: string;
  kek_id: string;
  wrapped: Buffer;
  created_at: string;
}

const toStoredSecret = (row: SecretRow): StoredSecret => ({
  name: row.name,
  kekId: row.kek_id,
  wrapped: row.wrapped,
  createdAt: row.created_at,
});

const toStoredKey = (row: KeyRow): StoredKey => ({
  kid: row.kid,
  tenantId: row.tenant_id,
  subjectRef: row.subject_ref,
  purpose: row.purpose as Purpose,
  period: row.period,
  kekId: row.kek_id,
  wrappedKey: row.wrapped_key,
  createdAt: row.created_at,
});

/**
 * The key vault in one SQLite file. Deletion is physical: secure_delete zeroes freed content, and
 * a TRUNCATE checkpoint after each destruction leaves no old page images in the WAL. One
 * connection owns the file, so that checkpoint is never blocked by a reader.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('secure_delete = ON');
    // A minted key may already protect data elsewhere; losing it on power failure would shred that data.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    tuneConnection(this.db);
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      byScope: db.prepare<[string, Buffer, string, string], KeyRow>('SELECT * FROM data_keys WHERE tenant_id = ? AND subject_ref = ? AND purpose = ? AND period = ?'),
      byKids: db.prepare<[string, string], KeyRow>(KEYS_BY_KIDS),
      insert: db.prepare(
        `INSERT INTO data_keys (kid, tenant_id, subject_ref, purpose, period, kek_id, wrapped_key, created_at)
         VALUES (@kid, @tenantId, @subjectRef, @purpose, @period, @kekId, @wrappedKey, @createdAt)
         ON CONFLICT (tenant_id, subject_ref, purpose, period) DO NOTHING`,
      ),
      isFenced: db.prepare<[string, Buffer], { one: number }>('SELECT 1 AS one FROM fenced_subjects WHERE tenant_id = ? AND subject_ref = ?'),
      kidsOfSubject: db.prepare<[string, Buffer], { kid: string }>('SELECT kid FROM data_keys WHERE tenant_id = ? AND subject_ref = ?'),
      deleteSubject: db.prepare<[string, Buffer]>('DELETE FROM data_keys WHERE tenant_id = ? AND subject_ref = ?'),
      fence: db.prepare<[string, Buffer, string]>('INSERT OR IGNORE INTO fenced_subjects (tenant_id, subject_ref, fenced_at) VALUES (?, ?, ?)'),
      kidsOfPeriodsBefore: db.prepare<[string, string, string], { kid: string; subject_ref: Buffer }>(
        "SELECT kid, subject_ref FROM data_keys WHERE tenant_id = ? AND purpose = ? AND period <> '' AND period < ?",
      ),
      deleteKid: db.prepare<[string]>('DELETE FROM data_keys WHERE kid = ?'),
      wrappedOtherThan: db.prepare<[string, string, number], KeyRow>('SELECT * FROM data_keys WHERE kid > ? AND kek_id <> ? ORDER BY kid LIMIT ?'),
      rewrap: db.prepare<[string, Buffer, string, string]>('UPDATE data_keys SET kek_id = ?, wrapped_key = ? WHERE kid = ? AND kek_id = ?'),
      secret: db.prepare<[string], SecretRow>('SELECT * FROM vault_secrets WHERE name = ?'),
      insertSecret: db.prepare(
        `INSERT INTO vault_secrets (name, kek_id, wrapped, created_at) VALUES (@name, @kekId, @wrapped, @createdAt)
         ON CONFLICT (name) DO NOTHING`,
      ),
      rewrapSecret: db.prepare<[string, Buffer, string, string]>('UPDATE vault_secrets SET kek_id = ?, wrapped = ? WHERE name = ? AND kek_id = ?'),
    };
  }

  private readonly insertTx = (key: StoredKey): StoredKey | 'fenced' => {
    if (this.statements.isFenced.get(key.tenantId, key.subjectRef)) return 'fenced';
    this.statements.insert.run(key);
    return toStoredKey(this.statements.byScope.get(key.tenantId, key.subjectRef, key.purpose, key.period)!);
  };

  private readonly destroyTx = (tenantId: string, subjectRef: Buffer, fencedAt: string): string[] => {
    const kids = this.statements.kidsOfSubject.all(tenantId, subjectRef).map((r) => r.kid);
    this.statements.deleteSubject.run(tenantId, subjectRef);
    this.statements.fence.run(tenantId, subjectRef, fencedAt);
    return kids;
  };

  private readonly destroyPeriodsTx = (tenantId: string, purpose: string, periodsBefore: string, keep: readonly Buffer[]): string[] => {
    const kept = new Set(keep.map((ref) => ref.toString('base64')));
    const kids = this.statements.kidsOfPeriodsBefore
      .all(tenantId, purpose, periodsBefore)
      .filter((row) => !kept.has(row.subject_ref.toString('base64')))
      .map((row) => row.kid);
    for (const kid of kids) this.statements.deleteKid.run(kid);
    return kids;
  };

  private readonly rewrapTx = (rewraps: Rewrap[]): number => rewraps.reduce((n, r) => n + this.statements.rewrap.run(r.kekId, r.wrappedKey, r.kid, r.fromKekId).changes, 0);

  async findByScope(scope: ScopeRef): Promise<StoredKey | undefined> {
    const row = this.statements.byScope.get(scope.tenantId, scope.subjectRef, scope.purpose, scope.period);
    return row && toStoredKey(row);
  }

  async insertUnlessExists(key: StoredKey): Promise<StoredKey | 'fenced'> {
    return this.db.transaction(this.insertTx).immediate(key);
  }

  async findByKids(tenantId: string, kids: string[]): Promise<StoredKey[]> {
    return this.statements.byKids.all(JSON.stringify(kids), tenantId).map(toStoredKey);
  }

  async isFenced(tenantId: string, subjectRef: Buffer): Promise<boolean> {
    return this.statements.isFenced.get(tenantId, subjectRef) !== undefined;
  }

  async destroySubject(tenantId: string, subjectRef: Buffer, fencedAt: string): Promise<string[]> {
    const kids = this.db.transaction(this.destroyTx).immediate(tenantId, subjectRef, fencedAt);
    this.truncateWal();
    return kids;
  }

  async destroyPeriodsBefore(tenantId: string, purpose: Purpose, periodsBefore: string, keep: readonly Buffer[] = []): Promise<string[]> {
    const kids = this.db.transaction(this.destroyPeriodsTx).immediate(tenantId, purpose, periodsBefore, keep);
    this.truncateWal();
    return kids;
  }

  async findWrappedOtherThan(kekId: string, afterKid: string, limit: number): Promise<StoredKey[]> {
    return this.statements.wrappedOtherThan.all(afterKid, kekId, limit).map(toStoredKey);
  }

  async rewrap(rewraps: Rewrap[]): Promise<number> {
    return this.db.transaction(this.rewrapTx).immediate(rewraps);
  }

  async findSecret(name: string): Promise<StoredSecret | undefined> {
    const row = this.statements.secret.get(name);
    return row && toStoredSecret(row);
  }

  async insertSecretUnlessExists(secret: StoredSecret): Promise<StoredSecret> {
    this.statements.insertSecret.run(secret);
    return toStoredSecret(this.statements.secret.get(secret.name)!);
  }

  async rewrapSecret(name: string, fromKekId: string, kekId: string, wrapped: Buffer): Promise<boolean> {
    return this.statements.rewrapSecret.run(kekId, wrapped, name, fromKekId).changes === 1;
  }

  /**
   * Old page images of the deleted rows live in the WAL until a checkpoint; TRUNCATE also empties
   * the file. Throws if another connection's open read kept it from truncating: the rows are gone
   * then, and the next destruction truncates.
   */
  private truncateWal(): void {
    const [checkpoint] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (checkpoint?.busy !== 0) throw new Error('Keys were deleted but the vault WAL is still in use and was not truncated');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
