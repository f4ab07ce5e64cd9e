import { Column, Entity, PrimaryColumn } from 'typeorm';

/** FLEET_STATE_ROW is the id of the one row of `fleet_state`. */
export const FLEET_STATE_ROW = 1;

/** FleetStateEntity is the one row of `fleet_state`: the desired size and why it was set. */
@Entity('fleet_state')
export class FleetStateEntity {
  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  id!: number;

  @Column({ type: 'int' })
  desired!: number;

  @Column({ type: 'varchar', length: 500 })
  cause!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
