import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, ensureDatabase } from '@app/database';
import { testDatabaseUrl } from '@app/testing';
import {
  APP_DATA_ENTITIES,
  APP_DATA_MIGRATIONS,
  APP_DATA_TABLES,
  ImageEntity,
  UserEntity,
  imageKey,
  thumbnailKey,
} from '../src';

describe('libs/app-data migrations and entities (real MySQL)', () => {
  const url = testDatabaseUrl('app_data');
  const sources: DataSource[] = [];

  const connect = async (app: string) => {
    const source = new DataSource(
      dataSourceOptions({ app, url, entities: APP_DATA_ENTITIES, migrations: APP_DATA_MIGRATIONS }),
    );
    sources.push(source);
    await source.initialize();
    // TypeOrmModule runs them at start (migrationsRun); a bare DataSource is told to.
    await source.runMigrations();
    return source;
  };

  beforeAll(async () => {
    await ensureDatabase(url);
  });

  afterAll(async () => {
    for (const source of sources) if (source.isInitialized) await source.destroy();
    await dropDatabase(url);
  });

  it('should create users and images, also when a second app lists the same migration', async () => {
    const worker = await connect('worker');
    const janitor = await connect('janitor');
    const tables = await worker.query<{ name: string }[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    expect(tables.map((t) => t.name).sort()).toEqual(
      ['images', 'janitor_migrations', 'users', 'worker_migrations'].sort(),
    );
    expect(APP_DATA_TABLES).toEqual(['images', 'users']);
    expect(janitor.isInitialized).toBe(true);
  });

  it('should keep usernames unique without regard to case and delete images with their user', async () => {
    const source = sources[0];
    const users = source.getRepository(UserEntity);
    const { userid } = await users.save({ username: 'Ann', passwordHash: 'x' });
    await expect(users.insert({ username: 'ann', passwordHash: 'y' })).rejects.toThrow(/Duplicate/);
    const images = source.getRepository(ImageEntity);
    await images.insert({ namebase: 'a'.repeat(32), extension: 'png', userid });
    await expect(
      images.insert({ namebase: 'a'.repeat(32), extension: 'png', userid }),
    ).rejects.toThrow(/Duplicate/);
    const [saved] = await images.findBy({ userid });
    expect(saved.createdAt).toBeInstanceOf(Date);
    expect(imageKey(saved)).toBe(`images/${userid}/${'a'.repeat(32)}.png`);
    expect(thumbnailKey(saved)).toBe(`thumbnails/${userid}/${'a'.repeat(32)}.png`);
    await users.delete({ userid });
    expect(await images.countBy({ userid })).toBe(0);
  });
});
