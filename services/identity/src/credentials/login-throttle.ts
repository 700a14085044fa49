import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS login_failures (
  tenant_id    TEXT    NOT NULL,
  blind_index  TEXT    NOT NULL,
  window_start INTEGER NOT NULL,
  failures     INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, blind_index)
) STRICT;
CREATE INDEX IF NOT EXISTS login_failures_by_window ON login_failures (window_start);
`;

export interface LoginThrottleOptions {
  now: () => Date;
  /** @defaultValue 5 */
  maxFailures?: number;
  /** @defaultValue 15 minutes */
  windowMs?: number;
}

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed logins per account (tenant + e-mail blind index, whether or not the account exists, so
 * the limit reveals nothing), persisted so a restart does not reset it. An attempt counts as a
 * failure before the password is checked and a success clears the count: concurrent guesses can
 * never get past the limit.
 */
export class LoginThrottle {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly beginTx: (tenantId: string, blindIndex: string) => Attempt;

  constructor(
    private readonly db: Database.Database,
    private readonly options: LoginThrottleOptions,
  ) {
    db.exec(SCHEMA);
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    const select = db.prepare<[string, string], { window_start: number; failures: number }>(
      'SELECT window_start, failures FROM login_failures WHERE tenant_id = ? AND blind_index = ?',
    );
    const count = db.prepare<[string, string]>('UPDATE login_failures SET failures = failures + 1 WHERE tenant_id = ? AND blind_index = ?');
    const restart = db.prepare<[string, string, number]>(
      `INSERT INTO login_failures (tenant_id, blind_index, window_start, failures) VALUES (?, ?, ?, 1)
       ON CONFLICT (tenant_id, blind_index) DO UPDATE SET window_start = excluded.window_start, failures = 1`,
    );
    const prune = db.prepare<[number]>('DELETE FROM login_failures WHERE window_start <= ?');
    this.beginTx = db.transaction((tenantId: string, blindIndex: string): Attempt => {
      const now = this.options.now().getTime();
      prune.run(now - this.windowMs);
      const row = select.get(tenantId, blindIndex);
      if (!row) {
        restart.run(tenantId, blindIndex, now);
        return { allowed: true };
      }
      if (row.failures >= this.maxFailures) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((row.window_start + this.windowMs - now) / 1000)) };
      }
      count.run(tenantId, blindIndex);
      return { allowed: true };
    });
  }

  begin(tenantId: string, blindIndex: string): Attempt {
    return this.beginTx(tenantId, blindIndex);
  }

  succeeded(tenantId: string, blindIndex: string): void {
    this.db.prepare('DELETE FROM login_failures WHERE tenant_id = ? AND blind_index = ?').run(tenantId, blindIndex);
  }
}
