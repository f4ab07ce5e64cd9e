import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ClearProgress,
  ClearResult,
  JANITOR_CLEAR,
  JANITOR_CLEARED,
  JANITOR_PROGRESS,
} from '@app/contracts';
import { dropDatabase } from '@app/database';
import { createRmqServer, MessageBus } from '@app/messaging';
import { createS3Client, LocalS3, startLocalS3 } from '@app/storage';
import {
  freePort,
  insertUsersWithImages,
  openAppDataTables,
  testAmqpUrl,
  testDatabaseUrl,
  testMessagingConfig,
  uniqueName,
  waitFor,
} from '@app/testing';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { deleteNamespace } from '../../gateway/test/support/broker-cleanup';
import { EventRecorder } from '../../gateway/test/support/event-recorder';
import { loadJanitorConfig } from '../src/janitor.config';
import { JanitorModule } from '../src/janitor.module';

/** Starts the real janitor in-process against its own namespace, database and bucket. */
async function startJanitor(opts: {
  namespace: string;
  databaseUrl: string;
  bucket: string;
  s3: LocalS3;
}) {
  const config = loadJanitorConfig({
    AMQP_URL: testAmqpUrl,
    AMQP_NAMESPACE: opts.namespace,
    DATABASE_URL: opts.databaseUrl,
    S3_BUCKET: opts.bucket,
    ...opts.s3.env,
    CLOUD_PROVIDER: 'local',
  });
  const app = await NestFactory.createMicroservice(JanitorModule.forRoot(config), {
    // The transport's default answer to SYSTEM_SHUTDOWN is SIGTERM to this (the test) process.
    strategy: createRmqServer('janitor', config, { onSystemShutdown: null }),
    logger: ['error', 'warn'],
  });
  await app.listen();
  return app;
}

async function putObjects(s3: S3Client, bucket: string, keys: string[], concurrency = 25) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++];
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `x${key}` }));
      }
    }),
  );
}

async function countObjects(s3: S3Client, bucket: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    count += page.KeyCount ?? page.Contents?.length ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return count;
}

async function countRows(db: DataSource, table: string): Promise<number> {
  const rows = (await db.query(`SELECT COUNT(*) AS n FROM \`${table}\``)) as { n: string }[];
  return Number(rows[0].n);
}

describe('janitor: JANITOR_CLEAR against MySQL and the local S3 server', () => {
  const namespace = uniqueName('jan');
  const databaseUrl = testDatabaseUrl('ebbflow_janitor');
  const bucket = uniqueName('janitor');
  let dir: string;
  let s3server: LocalS3;
  let s3: S3Client;
  let db: DataSource;
  let janitor: INestMicroservice;
  let bus: MessageBus;
  let events: EventRecorder;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebbflow-janitor-'));
    s3server = await startLocalS3({ port: await freePort(), directory: dir, buckets: [bucket] });
    s3 = createS3Client({ AWS_REGION: 'us-east-1', ...s3server.env });
    // The worker owns the user app's tables: create them the way it does, with its migrations.
    db = await openAppDataTables(databaseUrl);
    events = await EventRecorder.start(namespace, [
      JANITOR_PROGRESS.pattern,
      JANITOR_CLEARED.pattern,
    ]);
    janitor = await startJanitor({ namespace, databaseUrl, bucket, s3: s3server });
    bus = new MessageBus('gateway', testMessagingConfig(namespace));
  });

  afterAll(async () => {
    await bus?.close();
    await janitor?.close();
    await events?.close();
    await db?.destroy();
    s3?.destroy();
    await s3server?.close();
    await dropDatabase(databaseUrl);
    await deleteNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  it('should delete 2,500 objects in batches and every row, answering the right counts', async () => {
    const keys = Array.from(
      { length: 2500 },
      (_, i) => `images/${i % 7}/${String(i).padStart(5, '0')}.png`,
    );
    await putObjects(s3, bucket, keys);
    await insertUsersWithImages(db, 3, 4);
    expect(await countObjects(s3, bucket)).toBe(2500);

    const commandId = await bus.command(JANITOR_CLEAR, { reason: 'test: clear everything' });
    const result = await waitFor(
      () => events.of<ClearResult>(JANITOR_CLEARED.pattern).find((r) => r.commandId === commandId),
      { timeoutMs: 60000, what: 'JANITOR_CLEARED' },
    );

    expect(result).toMatchObject({ commandId, objects: 2500, images: 12, users: 3 });
    expect(result.error).toBeUndefined();
    expect(await countObjects(s3, bucket)).toBe(0);
    expect(await countRows(db, 'images')).toBe(0);
    expect(await countRows(db, 'users')).toBe(0);
    // One progress event per DeleteObjects batch of at most 1,000 keys, then one for the rows.
    const progress = events
      .of<ClearProgress>(JANITOR_PROGRESS.pattern)
      .filter((p) => p.commandId === commandId);
    expect(progress.map((p) => [p.phase, p.objectsDeleted])).toEqual([
      ['objects', 1000],
      ['objects', 2000],
      ['objects', 2500],
      ['rows', 2500],
    ]);
  });

  it('should answer a repeated command with the stored result and delete nothing new', async () => {
    const commandId = await bus.command(JANITOR_CLEAR, { reason: 'test: first' });
    const first = await waitFor(
      () => events.of<ClearResult>(JANITOR_CLEARED.pattern).find((r) => r.commandId === commandId),
      { timeoutMs: 30000, what: 'first JANITOR_CLEARED' },
    );
    expect(first).toMatchObject({ objects: 0, images: 0, users: 0 });

    // New data arrives after the first run; the same command again must not touch it.
    await putObjects(s3, bucket, [
      'images/late/1.png',
      'images/late/2.png',
      'thumbnails/late/1.png',
    ]);
    await insertUsersWithImages(db, 1, 2);
    await bus.command(JANITOR_CLEAR, { commandId, reason: 'test: redelivered' });
    await waitFor(
      () =>
        events.of<ClearResult>(JANITOR_CLEARED.pattern).filter((r) => r.commandId === commandId)
          .length >= 2,
      { timeoutMs: 30000, what: 'the repeated JANITOR_CLEARED' },
    );

    const answers = events
      .of<ClearResult>(JANITOR_CLEARED.pattern)
      .filter((r) => r.commandId === commandId);
    expect(answers[1]).toEqual(answers[0]);
    expect(await countObjects(s3, bucket)).toBe(3);
    expect(await countRows(db, 'images')).toBe(2);
    expect(await countRows(db, 'users')).toBe(1);
    const rows = (await db.query('SELECT status, objects FROM janitor_runs WHERE command_id = ?', [
      commandId,
    ])) as { status: string; objects: number }[];
    expect(rows).toEqual([{ status: 'done', objects: 0 }]);
  });
});

describe('janitor: before the user app has created anything', () => {
  const namespace = uniqueName('jan');
  const databaseUrl = testDatabaseUrl('ebbflow_janitor');
  let dir: string;
  let s3server: LocalS3;
  let janitor: INestMicroservice;
  let bus: MessageBus;
  let events: EventRecorder;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebbflow-janitor-'));
    s3server = await startLocalS3({ port: await freePort(), directory: dir, buckets: [] });
    events = await EventRecorder.start(namespace, [JANITOR_CLEARED.pattern]);
    janitor = await startJanitor({
      namespace,
      databaseUrl,
      bucket: uniqueName('absent'),
      s3: s3server,
    });
    bus = new MessageBus('gateway', testMessagingConfig(namespace));
  });

  afterAll(async () => {
    await bus?.close();
    await janitor?.close();
    await events?.close();
    await s3server?.close();
    await dropDatabase(databaseUrl);
    await deleteNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  });

  it('should count 0 when the bucket and the tables do not exist yet', async () => {
    const commandId = await bus.command(JANITOR_CLEAR, { reason: 'test: empty install' });
    const result = await waitFor(
      () => events.of<ClearResult>(JANITOR_CLEARED.pattern).find((r) => r.commandId === commandId),
      { timeoutMs: 30000, what: 'JANITOR_CLEARED' },
    );
    expect(result).toMatchObject({ objects: 0, images: 0, users: 0 });
    expect(result.error).toBeUndefined();
  });
});
