import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS email_index (
  tenant_id   TEXT    NOT NULL,
  blind_index TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  confirmed   INTEGER NOT NULL,
  reserved_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, blind_index)
) STRICT;
CREATE INDEX IF NOT EXISTS email_index_by_user ON email_index (tenant_id, user_id);
`;

interface Row {
  user_id: string;
  confirmed: number;
  reserved_at: number;
}

/** Whether the event store gives the user this address now (registered with it or corrected to it, and not erased). */
export type HoldsAddress = (tenantId: string, userId: string, blindIndex: string) => Promise<boolean>;

export interface EmailIndexOptions {
  now: () => Date;
  holdsAddress: HoldsAddress;
  /** A reservation older than this whose registration or correction never reached the store is given up. */
  staleAfterMs?: number;
}

/**
 * The blind index of e-mail addresses, in identity's own SQLite file only. A registration or an
 * e-mail correction reserves its row before it appends (the primary key makes two claims on one
 * address race-safe), confirms it after, and releases it when the append failed. A reservation left
 * by a crash is resolved by asking the event store whether the user holds the address.
 */
export class EmailIndexStore {
  private readonly select: Database.Statement<[string, string], Row>;
  private readonly insert: Database.Statement<[string, string, string, number]>;
  private readonly staleAfterMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: EmailIndexOptions,
  ) {
    db.exec(SCHEMA);
    this.select = db.prepare('SELECT user_id, confirmed, reserved_at FROM email_index WHERE tenant_id = ? AND blind_index = ?');
    this.insert = db.prepare('INSERT INTO email_index (tenant_id, blind_index, user_id, confirmed, reserved_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING');
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
  }

  /** True when the address is now held for `userId` (again, for a retry); false when someone else holds it. */
  async reserve(tenantId: string, blindIndex: string, userId: string): Promise<boolean> {
    for (;;) {
      if (this.insert.run(tenantId, blindIndex, userId, this.options.now().getTime()).changes === 1) return true;
      const holder = this.select.get(tenantId, blindIndex);
      if (!holder) continue;
      if (holder.user_id === userId) return true;
      if (holder.confirmed || this.options.now().getTime() - holder.reserved_at < this.staleAfterMs) return false;
      if (await this.options.holdsAddress(tenantId, holder.user_id, blindIndex)) {
        this.confirm(tenantId, blindIndex, holder.user_id);
        return false;
      }
      this.db.prepare('DELETE FROM email_index WHERE tenant_id = ? AND blind_index = ? AND user_id = ? AND confirmed = 0').run(tenantId, blindIndex, holder.user_id);
    }
  }

  confirm(tenantId: string, blindIndex: string, userId: string): void {
    this.db.prepare('UPDATE email_index SET confirmed = 1 WHERE tenant_id = ? AND blind_index = ? AND user_id = ?').run(tenantId, blindIndex, userId);
  }

  /** After a failed append: frees the address unless the append made it into the store after all. */
  async release(tenantId: string, blindIndex: string, userId: string): Promise<void> {
    if (await this.options.holdsAddress(tenantId, userId, blindIndex)) {
      this.confirm(tenantId, blindIndex, userId);
      return;
    }
    this.db.prepare('DELETE FROM email_index WHERE tenant_id = ? AND blind_index = ? AND user_id = ? AND confirmed = 0').run(tenantId, blindIndex, userId);
  }

  /** The user holding the address, reserved or confirmed: the caller checks the user's stream anyway. */
  lookup(tenantId: string, blindIndex: string): string | undefined {
    return this.select.get(tenantId, blindIndex)?.user_id;
  }

  /** After an e-mail correction: the user's other addresses are free again. Answers the removed indexes. */
  retainOnly(tenantId: string, userId: string, blindIndex: string): string[] {
    return this.db
      .prepare<[string, string, string], { blind_index: string }>('DELETE FROM email_index WHERE tenant_id = ? AND user_id = ? AND blind_index <> ? RETURNING blind_index')
      .all(tenantId, userId, blindIndex)
      .map((row) => row.blind_index);
  }

  /** On erasure: the address is free again and nothing here links it to the user any more. Answers the removed indexes. */
  forget(tenantId: string, userId: string): string[] {
    return this.db
      .prepare<[string, string], { blind_index: string }>('DELETE FROM email_index WHERE tenant_id = ? AND user_id = ? RETURNING blind_index')
      .all(tenantId, userId)
      .map((row) => row.blind_index);
  }
}
