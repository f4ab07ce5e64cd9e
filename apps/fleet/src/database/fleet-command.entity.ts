import { Column, Entity, PrimaryColumn } from 'typeorm';

/** FleetCommandEntity is one row of `fleet_commands`: a command id handled once, and what it did. */
@Entity('fleet_commands')
export class FleetCommandEntity {
  @PrimaryColumn({ name: 'command_id', type: 'varchar', length: 36 })
  commandId!: string;

  @Column({ type: 'varchar', length: 64 })
  pattern!: string;

  @Column({ type: 'varchar', length: 500 })
  outcome!: string;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt!: Date;
}
