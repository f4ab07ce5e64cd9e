import { Column, Entity, PrimaryColumn } from 'typeorm';

/** POLICY_ROW_ID: `scaling_policy` holds one row, the policy in force. */
export const POLICY_ROW_ID = 1;

/** ScalingPolicyRow is the saved auto-scaling policy (table `scaling_policy`, one row). */
@Entity('scaling_policy')
export class ScalingPolicyRow {
  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  id!: number;

  @Column({ name: 'grow_threshold', type: 'double' })
  growThreshold!: number;

  @Column({ name: 'shrink_threshold', type: 'double' })
  shrinkThreshold!: number;

  @Column({ name: 'grow_ratio', type: 'double' })
  growRatio!: number;

  @Column({ name: 'shrink_ratio', type: 'double' })
  shrinkRatio!: number;

  @Column({ name: 'min_workers', type: 'int', unsigned: true })
  minWorkers!: number;

  @Column({ name: 'max_workers', type: 'int', unsigned: true })
  maxWorkers!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
