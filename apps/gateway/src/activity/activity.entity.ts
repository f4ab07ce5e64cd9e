import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** ACTIVITY_KINDS are the kinds of entries in the activity list. */
export const ACTIVITY_KINDS = [
  'instance-state',
  'pool-changed',
  'scaler-decision',
  'policy-changed',
  'cleared',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const json = {
  to: (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value)),
  from: (value: string | null): unknown => (value === null ? null : (JSON.parse(value) as unknown)),
};

/** ActivityEntity is one line of the activity list: what happened, and why. */
@Entity({ name: 'activity' })
@Index('IDX_activity_at', ['at'])
@Index('IDX_activity_kind_at', ['kind', 'at'])
export class ActivityEntity {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ type: 'varchar', length: 40 })
  kind!: ActivityKind;

  @Column({ type: 'varchar', length: 1000 })
  message!: string;

  @Column({ type: 'varchar', length: 500 })
  cause!: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 20, nullable: true })
  instanceId!: string | null;

  /** The event as received (kept as JSON text: MariaDB's JSON is LONGTEXT anyway). */
  @Column({ type: 'text', nullable: true, transformer: json })
  data!: unknown;
}
