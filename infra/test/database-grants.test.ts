import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Connection, createConnection } from 'mysql2/promise';
import { dataSourceOptions, ensureDatabase, runMigrations } from '@app/database';
import {
  JANITOR_WIPED_TABLES,
  MANAGER_TABLES,
  WORKER_TABLES,
  grantsSql,
} from '../lib/database-grants';
import { FLEET_ENTITIES, FLEET_MIGRATIONS } from '../../apps/fleet/src/database/fleet.database';
import {
  GATEWAY_ENTITIES,
  GATEWAY_MIGRATIONS,
} from '../../apps/gateway/src/database/gateway.database';
import {
  JANITOR_ENTITIES,
  JANITOR_MIGRATIONS,
} from '../../apps/janitor/src/database/janitor.database';
import { METRICS_MIGRATIONS } from '../../apps/metrics/src/database/migrations';
import { SCALER_MIGRATIONS } from '../../apps/scaler/src/database/migrations';
import { WORKER_ENTITIES, WORKER_MIGRATIONS } from '../../apps/worker/src/database/worker.database';
import { REPO_ROOT } from './support/sdk-actions';

/** tablesCreatedIn lists the tables the migrations under `dirs` create (and each app's log). */
function tablesCreatedIn(apps: string[], dirs: string[]): string[] {
  const tables = new Set(apps.map((app) => `${app}_migrations`));
  for (const dir of dirs) {
    for (const file of fs.readdirSync(path.join(REPO_ROOT, dir))) {
      const sql = fs.readFileSync(path.join(REPO_ROOT, dir, file), 'utf8');
      for (const [, t] of sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?\\?`?(\w+)/g))
        tables.add(t!);
      // Session tables come from one shared DDL helper (libs/database).
      for (const [, t] of sql.matchAll(/createSessionTableSql\('(\w+)'\)/g)) tables.add(t!);
    }
  }
  return [...tables].sort();
}

describe('the tables each MySQL user is granted', () => {
  it("should be exactly the tables the workers' migrations create", () => {
    expect([...WORKER_TABLES].sort()).toEqual(
      tablesCreatedIn(
        ['worker'],
        ['libs/app-data/src/migrations', 'apps/worker/src/database/migrations'],
      ),
    );
  });

  it("should be exactly the tables the manager services' migrations create", () => {
    const apps = ['fleet', 'metrics', 'scaler', 'janitor', 'gateway'];
    expect([...MANAGER_TABLES].sort()).toEqual(
      tablesCreatedIn(
        apps,
        apps.map((a) => `apps/${a}/src/database/migrations`),
      ),
    );
  });
});

describe('the grants on a real MySQL server (MariaDB here)', () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `infra_grants_${suffix}`;
  const users = { worker: `igw_${suffix}`, manager: `igm_${suffix}` };
  const passwords = {
    worker: `W${randomBytes(12).toString('hex')}`,
    manager: `M${randomBytes(12).toString('hex')}`,
  };
  const server = new URL(process.env.TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/');
  const urlOf = (side: 'worker' | 'manager') => {
    const url = new URL(server.toString());
    url.username = users[side];
    url.password = passwords[side];
    url.pathname = `/${database}`;
    return url.toString();
  };
  let root: Connection;
  const as = async <T>(side: 'worker' | 'manager', fn: (c: Connection) => Promise<T>) => {
    const conn = await createConnection({ uri: urlOf(side) });
    try {
      return await fn(conn);
    } finally {
      await conn.end();
    }
  };

  beforeAll(async () => {
    root = await createConnection({ uri: server.toString(), multipleStatements: false });
    for (const statement of grantsSql(database, users)) {
      await root.query(
        statement
          .replace(/__WORKER_PASSWORD__/g, passwords.worker)
          .replace(/__MANAGER_PASSWORD__/g, passwords.manager),
      );
    }
  });

  afterAll(async () => {
    await root.query(`DROP USER IF EXISTS '${users.worker}'@'%', '${users.manager}'@'%'`);
    await root.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await root.end();
  });

  it('should let each side start as the services do: CREATE DATABASE IF NOT EXISTS, then its migrations', async () => {
    const run = (
      side: 'worker' | 'manager',
      app: string,
      entities: unknown[],
      migrations: unknown[],
    ) =>
      ensureDatabase(urlOf(side)).then(() =>
        runMigrations(
          dataSourceOptions({
            app,
            url: urlOf(side),
            entities: entities as never,
            migrations: migrations as never,
          }),
          app,
        ),
      );
    await run('worker', 'worker', WORKER_ENTITIES, WORKER_MIGRATIONS);
    await run('manager', 'fleet', FLEET_ENTITIES, FLEET_MIGRATIONS);
    await run('manager', 'metrics', [], METRICS_MIGRATIONS);
    await run('manager', 'scaler', [], SCALER_MIGRATIONS);
    await run('manager', 'janitor', JANITOR_ENTITIES, JANITOR_MIGRATIONS);
    await run('manager', 'gateway', GATEWAY_ENTITIES, GATEWAY_MIGRATIONS);
    const [rows] = await root.query(
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
      [database],
    );
    expect((rows as { t: string }[]).map((r) => r.t).sort()).toEqual(
      [...WORKER_TABLES, ...MANAGER_TABLES].sort(),
    );
  }, 120000);

  it("should keep the workers out of the manager's tables", async () => {
    await as('worker', async (c) => {
      await c.query("INSERT INTO users (username, password_hash) VALUES ('ada', 'x')");
      await expect(c.query('SELECT * FROM fleet_state')).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
      await expect(c.query('DELETE FROM activity')).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
    });
  });

  it("should let the manager empty the app's tables (Delete) but not write to them or read sessions", async () => {
    await as('manager', async (c) => {
      const [before] = await c.query('SELECT COUNT(*) AS n FROM users');
      expect(Number((before as { n: number }[])[0]!.n)).toBe(1); // ada, from the test above
      for (const table of JANITOR_WIPED_TABLES) await c.query(`DELETE FROM \`${table}\``);
      await expect(
        c.query("INSERT INTO users (username, password_hash) VALUES ('eve', 'x')"),
      ).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(c.query('SELECT * FROM worker_sessions')).rejects.toMatchObject({
        code: 'ER_TABLEACCESS_DENIED_ERROR',
      });
    });
  });
});
