import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { dropDatabase } from '@app/database';
import { createS3Client, generateS3Credentials } from '@app/storage';
import { freePort, testDatabaseUrl, uniqueName, waitFor } from '@app/testing';
import { TsProcess, runTs, stop } from './support/processes';

/**
 * The real entry points as separate processes: libs/storage's local S3 server and the worker's
 * main.ts (configuration errors, start, health, SIGTERM).
 */
describe('worker and local S3 as processes', () => {
  const databaseUrl = testDatabaseUrl('worker_proc');
  const bucket = uniqueName('proc');
  const instanceId = 'i-00c0ffee00c0ffee0';
  let directory: string;
  let s3: TsProcess | undefined;
  let worker: TsProcess | undefined;
  let misconfigured: TsProcess | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ebbflow-proc-s3-'));
  });

  afterAll(async () => {
    await Promise.all([stop(worker), stop(s3), stop(misconfigured)]);
    await dropDatabase(databaseUrl);
    await rm(directory, { recursive: true, force: true });
  });

  it('should start, answer /health, and exit 0 on SIGTERM; a bad variable exits 78 naming it', async () => {
    const s3Port = await freePort();
    const workerPort = await freePort();
    const credentials = generateS3Credentials();
    const keys = {
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    s3 = runTs('libs/storage/src/local-s3.main.ts', {
      S3_PORT: String(s3Port),
      S3_DIRECTORY: directory,
      S3_BUCKET: bucket,
      ...keys,
    });
    misconfigured = runTs('apps/worker/src/main.ts', {
      DATABASE_URL: databaseUrl,
      UPLOAD_MAX_BYTES: 'ten megabytes',
    });
    worker = runTs('apps/worker/src/main.ts', {
      DATABASE_URL: databaseUrl,
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      ...keys,
      S3_BUCKET: bucket,
      WORKER_PORT: String(workerPort),
      INSTANCE_ID: instanceId,
    });

    expect(await misconfigured.exited).toBe(78);
    expect(misconfigured.output()).toContain('UPLOAD_MAX_BYTES: must be a number');

    await waitFor(() => s3!.output().includes('listening'), { timeoutMs: 60000, what: 'local S3' });
    const client = createS3Client({
      AWS_REGION: 'us-east-1',
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      ...keys,
    });
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    client.destroy();

    const health = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${workerPort}/health`);
        return res.status === 200 ? ((await res.json()) as Record<string, string>) : null;
      },
      { timeoutMs: 60000, what: `worker /health (output: ${worker.output()})` },
    );
    expect(health).toEqual({ status: 'ok', instanceId });
    const deep = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${workerPort}/health/deep`);
        const body = (await res.json()) as { status: string };
        return body.status === 'ok' ? body : null;
      },
      { timeoutMs: 30000, what: 'worker /health/deep ok' },
    );
    expect(deep).toMatchObject({
      dependencies: { database: { state: 'up' }, bucket: { state: 'up' } },
    });
    const login = await fetch(`http://127.0.0.1:${workerPort}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain(`Served by worker <code>${instanceId}</code>`);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    s3.child.kill('SIGTERM');
    expect(await s3.exited).toBe(0);
  });
});
