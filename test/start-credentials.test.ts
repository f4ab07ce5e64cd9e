import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ChildProcess, spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import os from 'os';
import path from 'path';
import { createS3Client } from '@app/storage';
import { freePort, uniqueName, waitFor } from '@app/testing';

const root = path.resolve(__dirname, '..');

/** Runs `node scripts/start.js --only s3` with `env`; resolves once the local S3 server listens. */
async function startS3Only(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.js'), '--only', 's3'], {
    cwd: root,
    env: { ...process.env, S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => output.includes('listening on'), {
    timeoutMs: 60000,
    what: `the local S3 server (output: ${output})`,
  });
  return { child, output: () => output };
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('npm start: the local S3 key pair of an installation', () => {
  const bucket = uniqueName('creds');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ebbflow-creds-'));
  const file = path.join(tmp, 's3-credentials.json');
  const children: ChildProcess[] = [];
  let port: number;

  const env = () => ({
    S3_PORT: String(port),
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_DIRECTORY: path.join(tmp, 's3'),
    S3_BUCKET: bucket,
  });
  const clientWith = (keys: Record<string, string>): S3Client =>
    createS3Client({ AWS_REGION: 'us-east-1', S3_ENDPOINT: `http://127.0.0.1:${port}`, ...keys });

  beforeAll(async () => {
    port = await freePort();
  });

  afterAll(async () => {
    await Promise.all(children.map(stopped));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('should generate it once beside S3_DIRECTORY (mode 0600), accept only it and reuse it', async () => {
    expect(existsSync(file)).toBe(false);
    const first = await startS3Only(env());
    children.push(first.child);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(keys.S3_ACCESS_KEY_ID).toMatch(/^[A-Z0-9]{20}$/);
    expect(keys.S3_SECRET_ACCESS_KEY.length).toBeGreaterThanOrEqual(40);
    expect(first.output()).toContain(`access key ${keys.S3_ACCESS_KEY_ID}`);
    expect(first.output()).not.toContain(keys.S3_SECRET_ACCESS_KEY);

    const client = clientWith(keys);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept', Body: 'kept' }));
    const stranger = clientWith({ S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });
    await expect(
      stranger.send(new GetObjectCommand({ Bucket: bucket, Key: 'kept' })),
    ).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    stranger.destroy();
    await stopped(first.child);

    const second = await startS3Only(env());
    children.push(second.child);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(keys);
    const kept = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'kept' }));
    expect(await kept.Body!.transformToString()).toBe('kept');
    client.destroy();
    await stopped(second.child);
  });

  it('should use S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY when they are set, and write nothing', async () => {
    const own = path.join(tmp, 'own');
    const keys = {
      S3_ACCESS_KEY_ID: 'EBBOWNKEY',
      S3_SECRET_ACCESS_KEY: 'an-own-secret-long-enough',
    };
    const run = await startS3Only({ ...env(), S3_DIRECTORY: path.join(own, 's3'), ...keys });
    children.push(run.child);
    expect(existsSync(path.join(own, 's3-credentials.json'))).toBe(false);
    const client = clientWith(keys);
    const kept = await client
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'kept' }))
      .catch((error: { name: string }) => error.name);
    // Another S3_DIRECTORY: the bucket is there (created at start), the object is not.
    expect(kept).toBe('NoSuchKey');
    client.destroy();
    await stopped(run.child);
  });
});
