import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DATABASE_ENV, loadConfig } from '@app/config';
import { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './run-migrations';

/** DatabaseOptions says what one app keeps in MySQL. */
export interface DatabaseOptions {
  /** The owning app; its migrations are recorded in `<app>_migrations`. */
  app: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Overrides DATABASE_URL (tests). */
  url?: string;
}

/**
 * dataSourceOptions builds TypeORM options for one app: mysql2, never `synchronize` (schema
 * changes are migrations, which DatabaseModule runs at start).
 */
export function dataSourceOptions(opts: DatabaseOptions & { url: string }): DataSourceOptions {
  return {
    type: 'mysql',
    url: opts.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: `${opts.app.replace(/-/g, '_')}_migrations`,
    // Migrations run once at start through runMigrations (under a lock), not by TypeORM itself.
    migrationsRun: false,
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    extra: { connectionLimit: 10 },
  };
}

/**
 * DatabaseModule connects one app to MySQL: it creates the database when missing and runs the
 * app's pending migrations (under a lock) before the app's repositories are used.
 */
@Module({})
export class DatabaseModule {
  static forRoot(opts: DatabaseOptions): DynamicModule {
    const url = opts.url ?? loadConfig(DATABASE_ENV).DATABASE_URL;
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(url);
            const options = dataSourceOptions({ ...opts, url });
            await runMigrations(options, opts.app);
            return options;
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
