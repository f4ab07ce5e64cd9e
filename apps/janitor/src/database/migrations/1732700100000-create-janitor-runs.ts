import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateJanitorRuns1732700100000 creates `janitor_runs`, the results of clear commands. */
export class CreateJanitorRuns1732700100000 implements MigrationInterface {
  name = 'CreateJanitorRuns1732700100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`janitor_runs\` (
        \`command_id\` varchar(36) NOT NULL,
        \`status\` varchar(16) NOT NULL,
        \`reason\` varchar(500) NULL,
        \`objects\` int unsigned NOT NULL DEFAULT 0,
        \`images\` int unsigned NOT NULL DEFAULT 0,
        \`users\` int unsigned NOT NULL DEFAULT 0,
        \`object_errors\` int unsigned NOT NULL DEFAULT 0,
        \`error\` varchar(2000) NULL,
        \`started_at\` datetime(3) NOT NULL,
        \`finished_at\` datetime(3) NULL,
        \`duration_ms\` int unsigned NULL,
        PRIMARY KEY (\`command_id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `janitor_runs`');
  }
}
