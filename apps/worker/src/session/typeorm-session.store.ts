import { Logger } from '@nestjs/common';
import { SessionData, Store } from 'express-session';
import { DataSource, LessThan } from 'typeorm';
import { SESSIONS_TABLE, SessionEntity } from './session.entity';

/** SESSION_PRUNE_INTERVAL_MS: expired sessions are deleted every 10 minutes. */
export const SESSION_PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * TypeOrmSessionStore keeps express-session sessions in MySQL, so every worker behind the
 * balancer sees the same sessions. It has no `touch`: touching would write a row on every page
 * view; a session lasts SESSION_TTL_S from its last change instead.
 */
export class TypeOrmSessionStore extends Store {
  private readonly logger = new Logger(TypeOrmSessionStore.name);
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs: number,
  ) {
    super();
  }

  /** startPruning deletes expired sessions now and then; stop it with close(). */
  startPruning(intervalMs = SESSION_PRUNE_INTERVAL_MS): void {
    this.pruneTimer = setInterval(() => void this.prune(), intervalMs);
    this.pruneTimer.unref();
  }

  close(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  /** prune deletes every expired session; answers how many. */
  async prune(now = new Date()): Promise<number> {
    try {
      const result = await this.dataSource
        .getRepository(SessionEntity)
        .delete({ expiresAt: LessThan(now) });
      return result.affected ?? 0;
    } catch (error) {
      this.logger.warn(`could not prune sessions: ${(error as Error).message}`);
      return 0;
    }
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.dataSource
      .getRepository(SessionEntity)
      .findOneBy({ sid })
      .then((row) => {
        if (!row || row.expiresAt.getTime() <= Date.now()) return callback(null, null);
        callback(null, JSON.parse(row.data) as SessionData);
      })
      .catch((error: unknown) => callback(error));
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = session.cookie?.expires
      ? new Date(session.cookie.expires)
      : new Date(Date.now() + this.ttlMs);
    this.dataSource
      .query(
        `INSERT INTO \`${SESSIONS_TABLE}\` (\`sid\`, \`data\`, \`expires_at\`) VALUES (?, ?, ?) ` +
          'ON DUPLICATE KEY UPDATE `data` = VALUES(`data`), `expires_at` = VALUES(`expires_at`)',
        [sid, JSON.stringify(session), expiresAt],
      )
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(error),
      );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.dataSource
      .getRepository(SessionEntity)
      .delete({ sid })
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(error),
      );
  }
}
