import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TargetHealth, WorkerState } from '@app/contracts';
import { InstanceRecord } from '../store/fleet.store';

/** FleetInstanceEntity is one row of `fleet_instances`: a worker from launch decision to termination. */
@Entity('fleet_instances')
export class FleetInstanceEntity implements InstanceRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  seq!: number;

  @Column({ name: 'client_token', type: 'varchar', length: 64, unique: true })
  clientToken!: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 32, nullable: true, unique: true })
  instanceId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: WorkerState;

  @Column({ type: 'varchar', length: 16 })
  health!: TargetHealth;

  @Column({ type: 'varchar', length: 255, nullable: true })
  address!: string | null;

  @Column({ name: 'command_id', type: 'varchar', length: 36, nullable: true })
  commandId!: string | null;

  @Column({ type: 'varchar', length: 500 })
  cause!: string;

  @Column({ name: 'launch_attempts', type: 'int', default: 0 })
  launchAttempts!: number;

  @Column({ name: 'requested_at', type: 'datetime', precision: 3 })
  requestedAt!: Date;

  @Column({ name: 'launched_at', type: 'datetime', precision: 3, nullable: true })
  launchedAt!: Date | null;

  @Column({ name: 'healthy_at', type: 'datetime', precision: 3, nullable: true })
  healthyAt!: Date | null;

  @Column({ name: 'unhealthy_since', type: 'datetime', precision: 3, nullable: true })
  unhealthySince!: Date | null;

  @Column({ name: 'drain_started_at', type: 'datetime', precision: 3, nullable: true })
  drainStartedAt!: Date | null;

  @Column({ name: 'drain_cause', type: 'varchar', length: 500, nullable: true })
  drainCause!: string | null;

  @Column({ name: 'terminated_at', type: 'datetime', precision: 3, nullable: true })
  terminatedAt!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;
}
