import { SqlSessionStore } from '@app/database';
import { SessionData } from 'express-session';
import { DataSource } from 'typeorm';

/** GATEWAY_SESSIONS_TABLE holds the manager's sessions (migration CreateGatewaySessions). */
export const GATEWAY_SESSIONS_TABLE = 'gateway_sessions';

/** TOUCH_SLACK_MS: a session's expiry is rewritten only when it moved by more than a minute. */
const TOUCH_SLACK_MS = 60_000;

/**
 * GatewaySessionStore keeps manager sessions in MySQL, so a restarted gateway still knows who
 * is logged in. Unlike the worker's store it has a `touch`: manager sessions are rolling (idle
 * lifetime SESSION_TTL_S), so the row's expiry follows the cookie's — at most once a minute.
 */
export class GatewaySessionStore extends SqlSessionStore {
  constructor(dataSource: DataSource, ttlMs: number) {
    super(dataSource, { table: GATEWAY_SESSIONS_TABLE, ttlMs });
  }

  override touch(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = this.expiryOf(session);
    this.dataSource
      .query(
        `UPDATE \`${this.table}\` SET \`expires_at\` = ? WHERE \`sid\` = ? AND \`expires_at\` < ?`,
        [expiresAt, sid, new Date(expiresAt.getTime() - TOUCH_SLACK_MS)],
      )
      .then(
        () => callback?.(),
        (error: unknown) => callback?.(error),
      );
  }
}
