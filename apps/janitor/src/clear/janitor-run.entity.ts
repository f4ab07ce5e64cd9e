import { Column, Entity, PrimaryColumn } from 'typeorm';

/** JANITOR_RUNS_TABLE keeps one row per JANITOR_CLEAR commandId: its result. */
export const JANITOR_RUNS_TABLE = 'janitor_runs';

/** RunStatus is where a clear run is: running, done (maybe with per-object errors) or failed. */
export type RunStatus = 'running' | 'done' | 'failed';

/**
 * JanitorRunEntity is one clear run, keyed by its commandId, so a repeated command answers the
 * stored result instead of deleting again.
 */
@Entity({ name: JANITOR_RUNS_TABLE })
export class JanitorRunEntity {
  @PrimaryColumn({ name: 'command_id', type: 'varchar', length: 36 })
  commandId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'int', unsigned: true, default: 0 })
  objects!: number;

  @Column({ type: 'int', unsigned: true, default: 0 })
  images!: number;

  @Column({ type: 'int', unsigned: true, default: 0 })
  users!: number;

  @Column({ name: 'object_errors', type: 'int', unsigned: true, default: 0 })
  objectErrors!: number;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error!: string | null;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'int', unsigned: true, nullable: true })
  durationMs!: number | null;
}
