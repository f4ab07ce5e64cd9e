import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateScalerTables1735689600000 creates `scaling_policy` (one row) and `scaling_decisions`. */
export class CreateScalerTables1735689600000 implements MigrationInterface {
  name = 'CreateScalerTables1735689600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scaling_policy (
        id TINYINT UNSIGNED NOT NULL,
        grow_threshold DOUBLE NOT NULL,
        shrink_threshold DOUBLE NOT NULL,
        grow_ratio DOUBLE NOT NULL,
        shrink_ratio DOUBLE NOT NULL,
        min_workers INT UNSIGNED NOT NULL,
        max_workers INT UNSIGNED NOT NULL,
        enabled TINYINT(1) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE scaling_decisions (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        at DATETIME(3) NOT NULL,
        average_cpu DOUBLE NULL,
        workers_counted INT UNSIGNED NOT NULL,
        size_before INT UNSIGNED NOT NULL,
        size_after INT UNSIGNED NOT NULL,
        reason VARCHAR(32) NOT NULL,
        message VARCHAR(1000) NOT NULL,
        command_id CHAR(36) NULL,
        PRIMARY KEY (id),
        KEY idx_scaling_decisions_at (at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scaling_decisions');
    await queryRunner.query('DROP TABLE scaling_policy');
  }
}
