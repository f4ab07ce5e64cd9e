import { DATABASE_NAME, MANAGER_DB_USER, WORKER_DB_USER } from './settings';

/**
 * WORKER_TABLES are the tables the workers own: the user app's (libs/app-data: users, images), the
 * worker's sessions, its shared failed-login counts, and the worker's migrations log
 * (`<app>_migrations`, libs/database).
 */
export const WORKER_TABLES = [
  'users',
  'images',
  'worker_sessions',
  'worker_login_failures',
  'worker_migrations',
] as const;

/** MANAGER_TABLES are the tables of the manager's services, each with its migrations log. */
export const MANAGER_TABLES = [
  'fleet_state',
  'fleet_instances',
  'fleet_commands',
  'fleet_migrations',
  'metric_minutes',
  'metrics_migrations',
  'scaling_policy',
  'scaling_decisions',
  'scaler_migrations',
  'janitor_runs',
  'janitor_migrations',
  'activity',
  'gateway_sessions',
  'gateway_api_tokens',
  'gateway_migrations',
] as const;

/**
 * JANITOR_WIPED_TABLES are the worker's tables "Delete" empties (apps/janitor/src/clear/table-wiper):
 * the manager may count and delete their rows, nothing else.
 */
export const JANITOR_WIPED_TABLES = ['images', 'users'] as const;

/**
 * OWNER_PRIVILEGES are what an app needs on its own tables: rows, plus the DDL its migrations run
 * at start (CREATE TABLE, indexes, the images → users foreign key needs REFERENCES). MySQL lets a
 * table be granted before it exists when the grant includes CREATE.
 */
export const OWNER_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES';

const quote = (name: string) => `\`${name.replace(/`/g, '')}\``;

/**
 * grantsSql returns the SQL that creates the database and its two users and grants each only its
 * own tables. Passwords are not in it: the caller replaces `__WORKER_PASSWORD__` and
 * `__MANAGER_PASSWORD__` (the manager host, with the alphanumeric values from Secrets Manager).
 * Database-level CREATE is granted because every service runs `CREATE DATABASE IF NOT EXISTS`
 * at start (libs/database ensureDatabase), which MySQL refuses without it even when the database
 * exists; it lets a user create tables, not read or change the other user's.
 */
export function grantsSql(
  database = DATABASE_NAME,
  names: { worker: string; manager: string } = { worker: WORKER_DB_USER, manager: MANAGER_DB_USER },
): string[] {
  const db = quote(database);
  const users = [
    { user: names.worker, password: '__WORKER_PASSWORD__', tables: WORKER_TABLES },
    { user: names.manager, password: '__MANAGER_PASSWORD__', tables: MANAGER_TABLES },
  ];
  const sql = [
    `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  ];
  for (const { user, password, tables } of users) {
    // CREATE USER IF NOT EXISTS + ALTER USER: the script can run again (a replaced manager host).
    sql.push(`CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}'`);
    sql.push(`ALTER USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    sql.push(`GRANT CREATE ON ${db}.* TO '${user}'@'%'`);
    for (const table of tables) {
      sql.push(`GRANT ${OWNER_PRIVILEGES} ON ${db}.${quote(table)} TO '${user}'@'%'`);
    }
  }
  for (const table of JANITOR_WIPED_TABLES) {
    // CREATE is only there so that the grant works before the workers have created the table.
    sql.push(`GRANT SELECT, DELETE, CREATE ON ${db}.${quote(table)} TO '${names.manager}'@'%'`);
  }
  return sql;
}
