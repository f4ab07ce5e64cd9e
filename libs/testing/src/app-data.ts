import { APP_DATA_ENTITIES, APP_DATA_MIGRATIONS } from '@app/app-data';
import { dataSourceOptions, ensureDatabase } from '@app/database';
import { randomBytes, randomUUID } from 'crypto';
import { DataSource } from 'typeorm';

/**
 * openAppDataTables creates the user app's tables in the database at `databaseUrl` the way the
 * worker does (its migrations) and returns the open DataSource; the caller destroys it.
 */
export async function openAppDataTables(databaseUrl: string): Promise<DataSource> {
  await ensureDatabase(databaseUrl);
  const db = new DataSource(
    dataSourceOptions({
      app: 'worker',
      entities: APP_DATA_ENTITIES,
      migrations: APP_DATA_MIGRATIONS,
      url: databaseUrl,
    }),
  );
  await db.initialize();
  await db.runMigrations();
  return db;
}

/** insertUsersWithImages inserts `users` users with `imagesPerUser` image rows each. */
export async function insertUsersWithImages(
  db: DataSource,
  users: number,
  imagesPerUser: number,
): Promise<void> {
  for (let u = 0; u < users; u++) {
    const res = (await db.query(
      'INSERT INTO users (username, password_hash, upload_count) VALUES (?, ?, ?)',
      [`user-${randomBytes(4).toString('hex')}`, 'argon2-hash-placeholder', imagesPerUser],
    )) as { insertId: number };
    for (let i = 0; i < imagesPerUser; i++) {
      await db.query('INSERT INTO images (namebase, extension, userid) VALUES (?, ?, ?)', [
        randomUUID(),
        'png',
        res.insertId,
      ]);
    }
  }
}
