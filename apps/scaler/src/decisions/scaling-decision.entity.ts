import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** ScalingDecisionRow is one evaluation of the policy (table `scaling_decisions`). */
@Entity('scaling_decisions')
export class ScalingDecisionRow {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Index('idx_scaling_decisions_at')
  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  @Column({ name: 'average_cpu', type: 'double', nullable: true })
  averageCpu!: number | null;

  @Column({ name: 'workers_counted', type: 'int', unsigned: true })
  workersCounted!: number;

  @Column({ name: 'size_before', type: 'int', unsigned: true })
  sizeBefore!: number;

  @Column({ name: 'size_after', type: 'int', unsigned: true })
  sizeAfter!: number;

  @Column({ type: 'varchar', length: 32 })
  reason!: string;

  @Column({ type: 'varchar', length: 1000 })
  message!: string;

  /** The FLEET_SET_DESIRED command that carried a change (null for a hold). */
  @Column({ name: 'command_id', type: 'char', length: 36, nullable: true })
  commandId!: string | null;
}
