export * from './ensure-database';
export * from './database.module';
export * from './run-migrations';
export * from './sql-session.store';
export * from './database-errors';
