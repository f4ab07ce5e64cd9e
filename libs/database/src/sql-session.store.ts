import { Logger } from '@nestjs/common';
import { SessionData, Store } from 'express-session';
import { DataSource } from 'typeorm';

/** SESSION_PRUNE_INTERVAL_MS: expired sessions are deleted every 10 minutes. */
export const SESSION_PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** SqlSessionStoreOptions name the session table and the lifetime of a session without expiry. */
export interface SqlSessionStoreOptions {
  /**
   * The table, created by the owning app's migration with the columns `sid` VARCHAR(128)
   * primary key, `data` TEXT and `expires_at` DATETIME(3) (indexed).
   */
  table: string;
  /** Lifetime of a session whose cookie carries no expiry. */
  ttlMs: number;
}

/**
 * SqlSessionStore keeps express-session sessions as JSON rows in a MySQL table, so they are
 * shared by every process of an app and survive its restarts. It has no `touch`: touching would
 * write a row on every page view; a session lasts its TTL from its last change instead (a
 * subclass may add one). Expired rows are never returned and are deleted by `startPruning`.
 */
export class SqlSessionStore extends Store {
  protected readonly logger = new Logger(SqlSessionStore.name);
  protected readonly table: string;
  private readonly ttlMs: number;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    protected readonly dataSource: DataSource,
    options: SqlSessionStoreOptions,
  ) {
    super();
    assertTableName(options.table);
    this.table = options.table;
    this.ttlMs = options.ttlMs;
  }

  /** startPruning deletes expired sessions now and then; stop it with close(). */
  startPruning(intervalMs = SESSION_PRUNE_INTERVAL_MS): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = setInterval(() => void this.prune(), intervalMs);
    this.pruneTimer.unref();
  }

  /** close stops the pruning. */
  close(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
  }

  /** prune deletes every session expired at `now`; answers how many. */
  async prune(now = new Date()): Promise<number> {
    try {
      const result = (await this.dataSource.query(
        `DELETE FROM \`${this.table}\` WHERE \`expires_at\` < ?`,
        [now],
      )) as { affectedRows?: number };
      return result.affectedRows ?? 0;
    } catch (error) {
      this.logger.warn(`could not prune sessions: ${(error as Error).message}`);
      return 0;
    }
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.dataSource
      .query(`SELECT \`data\` FROM \`${this.table}\` WHERE \`sid\` = ? AND \`expires_at\` > ?`, [
        sid,
        new Date(),
      ])
      .then((rows: { data: string }[]) => {
        callback(null, rows.length ? (JSON.parse(rows[0].data) as SessionData) : null);
      })
      .catch((error: unknown) => callback(error));
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.dataSource
      .query(
        `INSERT INTO \`${this.table}\` (\`sid\`, \`data\`, \`expires_at\`) VALUES (?, ?, ?) ` +
          'ON DUPLICATE KEY UPDATE `data` = VALUES(`data`), `expires_at` = VALUES(`expires_at`)',
        [sid, JSON.stringify(session), this.expiryOf(session)],
      )
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(error),
      );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.dataSource.query(`DELETE FROM \`${this.table}\` WHERE \`sid\` = ?`, [sid]).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  /** expiryOf is when `session` ends: its cookie's expiry, or TTL from now. */
  protected expiryOf(session: SessionData): Date {
    return session.cookie?.expires
      ? new Date(session.cookie.expires)
      : new Date(Date.now() + this.ttlMs);
  }
}

/**
 * createSessionTableSql is the DDL of a SqlSessionStore table, for the owning app's migration.
 * `IF NOT EXISTS`: several processes may run their migrations at once. A migration that has run
 * is never run again, so a change here needs a new migration for existing databases.
 */
export function createSessionTableSql(table: string): string {
  assertTableName(table);
  return `
      CREATE TABLE IF NOT EXISTS \`${table}\` (
        \`sid\` VARCHAR(128) NOT NULL,
        \`data\` TEXT NOT NULL,
        \`expires_at\` DATETIME(3) NOT NULL,
        PRIMARY KEY (\`sid\`),
        KEY \`idx_${table}_expires\` (\`expires_at\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;
}

function assertTableName(table: string): void {
  if (!/^[A-Za-z0-9_]+$/.test(table)) throw new Error(`invalid session table name: ${table}`);
}
