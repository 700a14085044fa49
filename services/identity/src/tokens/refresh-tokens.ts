import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS refresh_families (
  family_id  TEXT    PRIMARY KEY,
  tenant_id  TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT    PRIMARY KEY,
  family_id  TEXT    NOT NULL REFERENCES refresh_families (family_id),
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_by_expiry ON refresh_tokens (expires_at);
`;

export interface RefreshTokenOptions {
  now: () => Date;
  /** @defaultValue 30 days */
  ttlMs?: number;
}

export type Redeemed = { ok: true; tenantId: string; userId: string; familyId: string } | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'revoked' };

const PRUNE_EVERY_MS = 60_000;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64url');

/**
 * Opaque refresh tokens, kept only as SHA-256 hashes. Each is used once: redeeming one rotates it
 * within its family, and presenting a used one again (a stolen copy, or the thief's) revokes the
 * whole family, so neither party can go on refreshing.
 */
export class RefreshTokenStore {
  private readonly ttlMs: number;
  private prunedAt = 0;
  private readonly redeemTx: (token: string) => Redeemed;

  constructor(
    private readonly db: Database.Database,
    private readonly options: RefreshTokenOptions,
  ) {
    db.exec(SCHEMA);
    this.ttlMs = options.ttlMs ?? 30 * 24 * 3_600_000;
    const select = db.prepare<[string], { family_id: string; expires_at: number; used_at: number | null; tenant_id: string; user_id: string; revoked_at: number | null }>(
      `SELECT t.family_id, t.expires_at, t.used_at, f.tenant_id, f.user_id, f.revoked_at
       FROM refresh_tokens t JOIN refresh_families f USING (family_id) WHERE t.token_hash = ?`,
    );
    const markUsed = db.prepare<[number, string]>('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL');
    this.redeemTx = db.transaction((token: string): Redeemed => {
      const now = this.options.now().getTime();
      const hash = hashOf(token);
      const row = select.get(hash);
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (row.used_at !== null) {
        this.revokeFamily(row.family_id);
        return { ok: false, reason: 'reused' };
      }
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      markUsed.run(now, hash);
      return { ok: true, tenantId: row.tenant_id, userId: row.user_id, familyId: row.family_id };
    });
  }

  /** A new token, in a new family unless `familyId` continues one. */
  issue(tenantId: string, userId: string, familyId?: string): string {
    const now = this.options.now().getTime();
    const token = randomBytes(32).toString('base64url');
    this.db.transaction(() => {
      this.prune(now);
      const family = familyId ?? randomUUID();
      if (!familyId) {
        this.db.prepare('INSERT INTO refresh_families (family_id, tenant_id, user_id) VALUES (?, ?, ?)').run(family, tenantId, userId);
      }
      this.db.prepare('INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES (?, ?, ?)').run(hashOf(token), family, now + this.ttlMs);
    })();
    return token;
  }

  redeem(token: string): Redeemed {
    return this.redeemTx(token);
  }

  revokeFamily(familyId: string): void {
    this.db.prepare('UPDATE refresh_families SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL').run(this.options.now().getTime(), familyId);
  }

  /** Every token the user holds stops working; answers how many families were still live. */
  revokeUser(tenantId: string, userId: string): number {
    return this.db
      .prepare('UPDATE refresh_families SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL')
      .run(this.options.now().getTime(), tenantId, userId).changes;
  }

  /** On erasure: the user's refresh tokens stop working and their rows go. */
  forgetUser(tenantId: string, userId: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM refresh_tokens WHERE family_id IN (SELECT family_id FROM refresh_families WHERE tenant_id = ? AND user_id = ?)').run(tenantId, userId);
      this.db.prepare('DELETE FROM refresh_families WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId);
    })();
  }

  /** Expired tokens go; a family goes with its last token. */
  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.db.prepare('DELETE FROM refresh_tokens WHERE expires_at <= ?').run(now);
    this.db.prepare('DELETE FROM refresh_families WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = refresh_families.family_id)').run();
  }
}
