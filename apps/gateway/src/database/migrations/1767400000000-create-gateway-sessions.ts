import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateGatewaySessions1767400000000 creates the manager's session table (see SqlSessionStore). */
export class CreateGatewaySessions1767400000000 implements MigrationInterface {
  name = 'CreateGatewaySessions1767400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS \`gateway_sessions\` (
        \`sid\` VARCHAR(128) NOT NULL,
        \`data\` TEXT NOT NULL,
        \`expires_at\` DATETIME(3) NOT NULL,
        PRIMARY KEY (\`sid\`),
        KEY \`idx_gateway_sessions_expires\` (\`expires_at\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `gateway_sessions`');
  }
}
