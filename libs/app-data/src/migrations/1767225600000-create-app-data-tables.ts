import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateAppDataTables1767225600000 creates `users` and `images`. `IF NOT EXISTS` because two apps
 * (worker and janitor) may list this migration, each in its own migrations table.
 */
export class CreateAppDataTables1767225600000 implements MigrationInterface {
  name = 'CreateAppDataTables1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS \`users\` (
        \`userid\` INT UNSIGNED NOT NULL AUTO_INCREMENT,
        \`username\` VARCHAR(32) NOT NULL,
        \`password_hash\` VARCHAR(255) NOT NULL,
        \`upload_count\` INT UNSIGNED NOT NULL DEFAULT 0,
        \`created_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (\`userid\`),
        UNIQUE KEY \`uq_users_username\` (\`username\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS \`images\` (
        \`imid\` INT UNSIGNED NOT NULL AUTO_INCREMENT,
        \`namebase\` VARCHAR(64) NOT NULL,
        \`extension\` VARCHAR(8) NOT NULL,
        \`userid\` INT UNSIGNED NOT NULL,
        \`created_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (\`imid\`),
        UNIQUE KEY \`uq_images_namebase\` (\`namebase\`),
        KEY \`idx_images_user_created\` (\`userid\`, \`created_at\`),
        CONSTRAINT \`fk_images_user\` FOREIGN KEY (\`userid\`) REFERENCES \`users\` (\`userid\`)
          ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `images`');
    await queryRunner.query('DROP TABLE IF EXISTS `users`');
  }
}
