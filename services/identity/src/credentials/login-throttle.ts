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

/** Rows of client addresses: keyed HMACs of the address prefix, in no tenant (an address may try many). */
const ADDRESSES = '';

export interface LoginThrottleOptions {
  now: () => Date;
  /** Failed logins per account within the window. @defaultValue 5 */
  maxFailures?: number;
  /** Failed logins per client address within the window, whichever accounts they name. @defaultValue 100 */
  maxAddressFailures?: number;
  /** @defaultValue 15 minutes */
  windowMs?: number;
}

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed logins per account (tenant + e-mail blind index, whether or not the account exists, so
 * the limit reveals nothing) and per client address (a keyed HMAC of it), persisted so a restart
 * does not reset them, and shared by every gateway replica since identity counts them. Only
 * failures count: an office behind one address signs in as often as it likes, and a guesser is
 * stopped at `maxFailures` per account and `maxAddressFailures` per address. For the account an
 * attempt counts as a failure before the password is checked and a success clears the count, so
 * concurrent guesses can never get past that limit. For the address only failures that happened
 * count (`failed`): counted ahead, a morning rush of colleagues in flight at once would look like
 * guessing; concurrent guesses can pass the address limit by at most what is in flight, which the
 * gateway's flood guard bounds.
 */
export class LoginThrottle {
  private readonly windowMs: number;
  private readonly beginTx: (tenantId: string, blindIndex: string, address: string | undefined) => Attempt;

  constructor(
    db: Database.Database,
    private readonly options: LoginThrottleOptions,
  ) {
    db.exec(SCHEMA);
    const maxFailures = options.maxFailures ?? 5;
    const maxAddressFailures = options.maxAddressFailures ?? 100;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    const select = db.prepare<[string, string], { window_start: number; failures: number }>(
      'SELECT window_start, failures FROM login_failures WHERE tenant_id = ? AND blind_index = ?',
    );
    const count = db.prepare<[string, string, number]>(
      `INSERT INTO login_failures (tenant_id, blind_index, window_start, failures) VALUES (?, ?, ?, 1)
       ON CONFLICT (tenant_id, blind_index) DO UPDATE SET failures = failures + 1`,
    );
    const clear = db.prepare<[string, string]>('DELETE FROM login_failures WHERE tenant_id = ? AND blind_index = ?');
    const prune = db.prepare<[number]>('DELETE FROM login_failures WHERE window_start <= ?');
    const refused = (row: { window_start: number; failures: number } | undefined, max: number, now: number): Attempt | undefined =>
      row && row.failures >= max ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((row.window_start + this.windowMs - now) / 1000)) } : undefined;

    this.beginTx = db.transaction((tenantId: string, blindIndex: string, address: string | undefined): Attempt => {
      const now = this.options.now().getTime();
      prune.run(now - this.windowMs);
      const byAddress = address === undefined ? undefined : refused(select.get(ADDRESSES, address), maxAddressFailures, now);
      const byAccount = refused(select.get(tenantId, blindIndex), maxFailures, now);
      const refusal = byAccount ?? byAddress;
      if (refusal) return refusal;
      count.run(tenantId, blindIndex, now);
      return { allowed: true };
    });
    this.admitsAddress = (address) => {
      const now = this.options.now().getTime();
      prune.run(now - this.windowMs);
      return refused(select.get(ADDRESSES, address), maxAddressFailures, now) ?? { allowed: true };
    };
    this.clear = (tenantId, blindIndex) => void clear.run(tenantId, blindIndex);
    this.countAddress = (address) => void count.run(ADDRESSES, address, this.options.now().getTime());
  }

  private readonly admitsAddress: (address: string) => Attempt;
  private readonly clear: (tenantId: string, blindIndex: string) => void;
  private readonly countAddress: (address: string) => void;

  /** `address`: the keyed HMAC of the client's address prefix, when the gateway named one. */
  begin(tenantId: string, blindIndex: string, address?: string): Attempt {
    return this.beginTx(tenantId, blindIndex, address);
  }

  /** For attempts that name no account (a set-password token): only the address's failures are checked; count them with `failed`. */
  admits(address: string): Attempt {
    return this.admitsAddress(address);
  }

  succeeded(tenantId: string, blindIndex: string): void {
    this.clear(tenantId, blindIndex);
  }

  /** A login from this address (its keyed HMAC) failed. */
  failed(address: string): void {
    this.countAddress(address);
  }
}
