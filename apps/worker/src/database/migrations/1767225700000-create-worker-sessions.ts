import { createSessionTableSql } from '@app/database';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CreateWorkerSessions1767225700000 creates the session table. `IF NOT EXISTS`: several workers
 * launched together may all run their migrations at once.
 */
export class CreateWorkerSessions1767225700000 implements MigrationInterface {
  name = 'CreateWorkerSessions1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(createSessionTableSql('worker_sessions'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS `worker_sessions`');
  }
}
