import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateActivity1732700000000 creates the gateway's activity list. */
export class CreateActivity1732700000000 implements MigrationInterface {
  name = 'CreateActivity1732700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`activity\` (
        \`id\` int unsigned NOT NULL AUTO_INCREMENT,
        \`at\` datetime(3) NOT NULL,
        \`kind\` varchar(40) NOT NULL,
        \`message\` varchar(1000) NOT NULL,
        \`cause\` varchar(500) NOT NULL,
        \`instance_id\` varchar(20) NULL,
        \`data\` text NULL,
        PRIMARY KEY (\`id\`),
        KEY \`IDX_activity_at\` (\`at\`),
        KEY \`IDX_activity_kind_at\` (\`kind\`, \`at\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `activity`');
  }
}
