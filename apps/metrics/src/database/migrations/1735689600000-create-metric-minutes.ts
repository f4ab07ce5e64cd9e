import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateMetricMinutes1735689600000 creates `metric_minutes`, the per-minute history. */
export class CreateMetricMinutes1735689600000 implements MigrationInterface {
  name = 'CreateMetricMinutes1735689600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE metric_minutes (
        instance_id VARCHAR(32) NOT NULL,
        minute DATETIME NOT NULL,
        cpu_sum DOUBLE NOT NULL DEFAULT 0,
        cpu_count INT UNSIGNED NOT NULL DEFAULT 0,
        requests INT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (instance_id, minute),
        KEY idx_metric_minutes_minute (minute)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE metric_minutes');
  }
}
