import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateLoginFailures1767225800000 creates the shared counters of failed password checks
 * (LoginThrottle): one row per (account, address) pair or address, keyed by a SHA-256, with an
 * index on the window start for pruning. `IF NOT EXISTS`: workers launched together may all run
 * their migrations at once.
 */
export class CreateLoginFailures1767225800000 implements MigrationInterface {
  name = 'CreateLoginFailures1767225800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS \`worker_login_failures\` (
        \`key_hash\` CHAR(64) NOT NULL,
        \`scope\` VARCHAR(16) NOT NULL,
        \`failures\` INT UNSIGNED NOT NULL,
        \`window_start_ms\` BIGINT NOT NULL,
        PRIMARY KEY (\`key_hash\`),
        INDEX \`idx_worker_login_failures_window\` (\`window_start_ms\`)
      ) ENGINE=InnoDB`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `worker_login_failures`');
  }
}
