import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS password_tokens (
  token_hash TEXT    PRIMARY KEY,
  tenant_id  TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS password_tokens_by_user ON password_tokens (tenant_id, user_id);
CREATE INDEX IF NOT EXISTS password_tokens_by_expiry ON password_tokens (expires_at);
`;

export interface PasswordTokenOptions {
  now: () => Date;
  /** @defaultValue 72 hours */
  ttlMs?: number;
}

export interface IssuedPasswordToken {
  token: string;
  expiresAt: Date;
}

/** A token held for one redemption: `release` gives it back if the password could not be recorded. */
export interface ClaimedPasswordToken {
  tenantId: string;
  userId: string;
  release(): void;
}

const PRUNE_EVERY_MS = 60_000;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64url');

/**
 * Set-password tokens (the invitation mail's link), kept only as SHA-256 hashes. A redemption claims
 * its token in one statement, so of concurrent redemptions of one token only one gets past it.
 */
export class PasswordTokenStore {
  private readonly ttlMs: number;
  private prunedAt = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly options: PasswordTokenOptions,
  ) {
    db.exec(SCHEMA);
    this.ttlMs = options.ttlMs ?? 72 * 3_600_000;
  }

  issue(tenantId: string, userId: string): IssuedPasswordToken {
    const now = this.options.now().getTime();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.db.transaction(() => {
      this.prune(now);
      this.db.prepare('INSERT INTO password_tokens (token_hash, tenant_id, user_id, expires_at) VALUES (?, ?, ?, ?)').run(hashOf(token), tenantId, userId, expiresAt);
    })();
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** Unknown, expired and used tokens alike claim nothing. */
  claim(token: string): ClaimedPasswordToken | undefined {
    const now = this.options.now().getTime();
    const hash = hashOf(token);
    const row = this.db
      .prepare<[number, string, number], { tenant_id: string; user_id: string }>(
        'UPDATE password_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING tenant_id, user_id',
      )
      .get(now, hash, now);
    if (!row) return undefined;
    return {
      tenantId: row.tenant_id,
      userId: row.user_id,
      release: () => void this.db.prepare('UPDATE password_tokens SET used_at = NULL WHERE token_hash = ? AND used_at = ?').run(hash, now),
    };
  }

  /** Once the password is set, on deactivation and on erasure: none of the user's tokens works again, and their rows go. */
  revokeUser(tenantId: string, userId: string): number {
    return this.db.prepare('DELETE FROM password_tokens WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId).changes;
  }

  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.db.prepare('DELETE FROM password_tokens WHERE expires_at <= ?').run(now);
  }
}
