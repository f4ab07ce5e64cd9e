import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** SESSIONS_TABLE holds the worker's login sessions, shared by every worker process. */
export const SESSIONS_TABLE = 'worker_sessions';

/** SessionEntity is one express-session session, stored as JSON until it expires. */
@Entity({ name: SESSIONS_TABLE })
export class SessionEntity {
  @PrimaryColumn({ name: 'sid', type: 'varchar', length: 128 })
  sid!: string;

  @Column({ name: 'data', type: 'text' })
  data!: string;

  @Index('idx_worker_sessions_expires')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
