import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateApiTokens1767500000000 creates the table of the manager's API tokens (hashes only). */
export class CreateApiTokens1767500000000 implements MigrationInterface {
  name = 'CreateApiTokens1767500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE IF NOT EXISTS `gateway_api_tokens` (' +
        '`id` int unsigned NOT NULL AUTO_INCREMENT, ' +
        '`name` varchar(100) NOT NULL, ' +
        '`token_hash` char(64) NOT NULL, ' +
        '`created_at` datetime(3) NOT NULL, ' +
        '`last_used_at` datetime(3) NULL, ' +
        'PRIMARY KEY (`id`), ' +
        'UNIQUE KEY `UQ_gateway_api_tokens_hash` (`token_hash`)' +
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `gateway_api_tokens`');
  }
}
