import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateFleetTables1732700000000 creates the desired size, the instances and the handled commands. */
export class CreateFleetTables1732700000000 implements MigrationInterface {
  name = 'CreateFleetTables1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fleet_state (
        id TINYINT UNSIGNED NOT NULL,
        desired INT NOT NULL,
        cause VARCHAR(500) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE fleet_instances (
        seq INT UNSIGNED NOT NULL AUTO_INCREMENT,
        client_token VARCHAR(64) NOT NULL,
        instance_id VARCHAR(32) NULL,
        state VARCHAR(16) NOT NULL,
        health VARCHAR(16) NOT NULL,
        address VARCHAR(255) NULL,
        command_id VARCHAR(36) NULL,
        cause VARCHAR(500) NOT NULL,
        launch_attempts INT NOT NULL DEFAULT 0,
        requested_at DATETIME(3) NOT NULL,
        launched_at DATETIME(3) NULL,
        healthy_at DATETIME(3) NULL,
        unhealthy_since DATETIME(3) NULL,
        drain_started_at DATETIME(3) NULL,
        drain_cause VARCHAR(500) NULL,
        terminated_at DATETIME(3) NULL,
        last_error VARCHAR(1000) NULL,
        PRIMARY KEY (seq),
        UNIQUE KEY uq_fleet_instances_client_token (client_token),
        UNIQUE KEY uq_fleet_instances_instance_id (instance_id),
        KEY ix_fleet_instances_state (state)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`
      CREATE TABLE fleet_commands (
        command_id VARCHAR(36) NOT NULL,
        pattern VARCHAR(64) NOT NULL,
        outcome VARCHAR(500) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        PRIMARY KEY (command_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fleet_commands');
    await q.query('DROP TABLE fleet_instances');
    await q.query('DROP TABLE fleet_state');
  }
}
