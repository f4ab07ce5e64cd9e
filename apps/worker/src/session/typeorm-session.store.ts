import { SqlSessionStore } from '@app/database';
import { DataSource } from 'typeorm';
import { SESSIONS_TABLE } from './session.entity';

/**
 * TypeOrmSessionStore keeps the worker's sessions in `worker_sessions` (the shared
 * SqlSessionStore of @app/database), so every worker behind the balancer sees the same sessions.
 * No `touch`: a session lasts SESSION_TTL_S from its last change.
 */
export class TypeOrmSessionStore extends SqlSessionStore {
  constructor(dataSource: DataSource, ttlMs: number) {
    super(dataSource, { table: SESSIONS_TABLE, ttlMs });
  }
}
