import { dataSourceOptions, dropDatabase, ensureDatabase, runMigrations } from '@app/database';
import { testDatabaseUrl } from '@app/testing';
import { createConnection } from 'mysql2/promise';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** A migration that fails if run twice (CREATE TABLE without IF NOT EXISTS). */
class CreateProbe1700000000000 implements MigrationInterface {
  name = 'CreateProbe1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE probe (id INT PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE probe');
  }
}

describe('database', () => {
  const url = testDatabaseUrl();
  afterAll(() => dropDatabase(url));

  it('should create the database when it is missing, and accept an existing one', async () => {
    await ensureDatabase(url);
    await ensureDatabase(url);
    const conn = await createConnection({ uri: url });
    const [rows] = await conn.query('SELECT DATABASE() AS db');
    await conn.end();
    expect((rows as { db: string }[])[0].db).toBe(new URL(url).pathname.slice(1));
  });

  it('should run an app migration exactly once when three processes start at the same time', async () => {
    const options = dataSourceOptions({
      app: 'probe',
      url,
      entities: [],
      migrations: [CreateProbe1700000000000],
    });
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(options, 'probe')));
    expect(results.flat()).toEqual(['CreateProbe1700000000000']);
    const conn = await createConnection({ uri: url });
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM probe_migrations');
    await conn.end();
    expect(Number((rows as { n: number }[])[0].n)).toBe(1);
  });

  it('should refuse a database name that is not plain letters, digits and underscores', async () => {
    await expect(ensureDatabase('mysql://root@127.0.0.1:3306/bad;name')).rejects.toThrow(
      /DATABASE_URL/,
    );
  });
});
