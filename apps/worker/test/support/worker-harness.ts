import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'fs/promises';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { createConnection } from 'mysql2/promise';
import { dropDatabase } from '@app/database';
import { LocalS3, createS3Client, startLocalS3 } from '@app/storage';
import { testDatabaseUrl, uniqueName } from '@app/testing';
import { createWorkerApp } from '../../src/worker.app';
import { WorkerConfig, loadWorkerConfig, randomInstanceId } from '../../src/worker.config';

/** RunningWorker is one in-process worker app listening on a free port. */
export interface RunningWorker {
  app: NestExpressApplication;
  config: WorkerConfig;
  url: string;
  /** close stops this worker (again: no-op). */
  close(): Promise<void>;
}

/** WorkerHarness is a real MySQL database, a real local S3 server and one or more workers. */
export interface WorkerHarness {
  worker: RunningWorker;
  s3: LocalS3;
  s3Client: S3Client;
  bucket: string;
  databaseUrl: string;
  env: Record<string, string>;
  /** startWorker starts another worker on the same database and bucket. */
  startWorker(overrides?: Record<string, string>): Promise<RunningWorker>;
  /** listKeys lists every object key in the bucket. */
  listKeys(): Promise<string[]>;
  /** query runs SQL on the test database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * startWorkerHarness starts a local S3 server (temp dir, own bucket), picks a fresh database and
 * starts a worker in-process on 127.0.0.1 with `overrides` on top of the test environment.
 */
export async function startWorkerHarness(
  overrides: Record<string, string> = {},
): Promise<WorkerHarness> {
  const directory = await mkdtemp(join(tmpdir(), 'ebbflow-worker-s3-'));
  const bucket = uniqueName('pics');
  const databaseUrl = testDatabaseUrl('worker_test');
  const s3 = await startLocalS3({ port: 0, directory, buckets: [bucket] });
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    ...s3.env,
    S3_BUCKET: bucket,
    WORKER_PORT: '0',
    ...overrides,
  };
  const s3Client = createS3Client({ AWS_REGION: 'us-east-1', ...s3.env });
  const workers: RunningWorker[] = [];

  const startWorker = async (more: Record<string, string> = {}): Promise<RunningWorker> => {
    const config = loadWorkerConfig({ INSTANCE_ID: randomInstanceId(), ...env, ...more });
    const app = await createWorkerApp(config, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    let closing: Promise<void> | undefined;
    const running = {
      app,
      config,
      url: `http://127.0.0.1:${port}`,
      close: () => (closing ??= app.close()),
    };
    workers.push(running);
    return running;
  };

  const cleanups: (() => Promise<unknown>)[] = [
    () => Promise.all(workers.map((w) => w.close())),
    async () => s3Client.destroy(),
    () => s3.close(),
    () => dropDatabase(databaseUrl),
    () => rm(directory, { recursive: true, force: true }),
  ];
  const close = async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups) await cleanup().catch((e: unknown) => errors.push(e));
    if (errors.length) throw errors[0];
  };

  try {
    const worker = await startWorker();
    return {
      worker,
      s3,
      s3Client,
      bucket,
      databaseUrl,
      env,
      startWorker,
      close,
      listKeys: async () => {
        const out = await s3Client.send(new ListObjectsV2Command({ Bucket: bucket }));
        return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
      },
      query: async <T>(sql: string, params: unknown[] = []) => {
        const conn = await createConnection({ uri: databaseUrl });
        try {
          const [rows] = await conn.query(sql, params);
          return rows as T[];
        } finally {
          await conn.end();
        }
      },
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
