import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';

/** How long a process waits for another one running the same app's migrations (s). */
const MIGRATION_LOCK_WAIT_S = 120;

/**
 * runMigrations runs the pending migrations of one app under a MySQL advisory lock
 * (GET_LOCK), so that three workers launched at once on a fresh database do not all try to
 * create the same tables (MySQL DDL is not transactional: the loser of such a race fails).
 */
export async function runMigrations(options: DataSourceOptions, app: string): Promise<string[]> {
  const logger = new Logger(`Migrations:${app}`);
  const ds = new DataSource({
    ...options,
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
  } as DataSourceOptions);
  await ds.initialize();
  const runner = ds.createQueryRunner();
  const lock = `ebbflow_migrations_${app}`;
  try {
    await runner.connect();
    const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [
      lock,
      MIGRATION_LOCK_WAIT_S,
    ])) as { got: number }[];
    if (Number(rows[0]?.got) !== 1) {
      throw new Error(
        `could not take the migration lock ${lock} within ${MIGRATION_LOCK_WAIT_S} s`,
      );
    }
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      if (done.length) logger.log(`applied ${done.map((m) => m.name).join(', ')}`);
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}
