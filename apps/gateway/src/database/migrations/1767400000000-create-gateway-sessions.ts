import { createSessionTableSql } from '@app/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** CreateGatewaySessions1767400000000 creates the manager's session table (see SqlSessionStore). */
export class CreateGatewaySessions1767400000000 implements MigrationInterface {
  name = 'CreateGatewaySessions1767400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(createSessionTableSql('gateway_sessions'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `gateway_sessions`');
  }
}
