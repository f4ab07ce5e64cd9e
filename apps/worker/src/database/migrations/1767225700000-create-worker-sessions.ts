import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateWorkerSessions1767225700000 creates the session table. `IF NOT EXISTS`: several workers
 * launched together may all run their migrations at once.
 */
export class CreateWorkerSessions1767225700000 implements MigrationInterface {
  name = 'CreateWorkerSessions1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS \`worker_sessions\` (
        \`sid\` VARCHAR(128) NOT NULL,
        \`data\` TEXT NOT NULL,
        \`expires_at\` DATETIME(3) NOT NULL,
        PRIMARY KEY (\`sid\`),
        KEY \`idx_worker_sessions_expires\` (\`expires_at\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `worker_sessions`');
  }
}
