import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * MetricMinute is one worker's aggregate over one minute (table `metric_minutes`): the sum and
 * count of its CPU samples (average = sum / count) and the requests served.
 */
@Entity('metric_minutes')
export class MetricMinute {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId!: string;

  /** Start of the minute, UTC. */
  @PrimaryColumn({ type: 'datetime' })
  minute!: Date;

  @Column({ name: 'cpu_sum', type: 'double', default: 0 })
  cpuSum!: number;

  @Column({ name: 'cpu_count', type: 'int', unsigned: true, default: 0 })
  cpuCount!: number;

  @Column({ type: 'int', unsigned: true, default: 0 })
  requests!: number;
}
