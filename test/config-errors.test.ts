import { spawn } from 'child_process';
import { existsSync } from 'fs';
import path from 'path';

const root = path.resolve(__dirname, '..');

/** Runs a built entry with extra env; resolves with its exit code and output. */
function run(
  entry: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, entry)], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

const CASES: [string, string, Record<string, string>, RegExp][] = [
  ['gateway', 'dist/apps/gateway/src/main.js', { AMQP_URL: 'nonsense' }, /AMQP_URL: must be a URL/],
  ['fleet', 'dist/apps/fleet/src/main.js', { AMQP_URL: 'nonsense' }, /AMQP_URL: must be a URL/],
  ['metrics', 'dist/apps/metrics/src/main.js', { AMQP_URL: 'nonsense' }, /AMQP_URL: must be a URL/],
  ['scaler', 'dist/apps/scaler/src/main.js', { AMQP_URL: 'nonsense' }, /AMQP_URL: must be a URL/],
  ['janitor', 'dist/apps/janitor/src/main.js', { AMQP_URL: 'nonsense' }, /AMQP_URL: must be a URL/],
  ['scaler', 'dist/apps/scaler/src/main.js', { SCALER_COOLDOWN_S: 'soon' }, /SCALER_COOLDOWN_S/],
  [
    'worker',
    'dist/apps/worker/src/main.js',
    { DATABASE_URL: 'postgres://x/y' },
    /DATABASE_URL: must be a URL starting with mysql/,
  ],
  ['balancer', 'dist/apps/balancer/src/main.js', { BALANCER_PORT: 'eighty' }, /BALANCER_PORT/],
  // LOG_LEVEL is read by runMain, for every service and the worker (issue #15).
  ['gateway', 'dist/apps/gateway/src/main.js', { LOG_LEVEL: 'verbose' }, /LOG_LEVEL: must be one/],
  ['worker', 'dist/apps/worker/src/main.js', { LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of/],
  [
    'fleet',
    'dist/apps/fleet/src/main.js',
    { CLOUD_PROVIDER: 'gcp' },
    /CLOUD_PROVIDER: must be "local" or "aws"/,
  ],
  [
    'local S3',
    'dist/libs/storage/src/local-s3.main.js',
    { S3_ACCESS_KEY_ID: 'EBBKEY', S3_SECRET_ACCESS_KEY: '' },
    /S3_SECRET_ACCESS_KEY: must be set/,
  ],
  [
    'local S3',
    'dist/libs/storage/src/local-s3.main.js',
    { S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: 'a-secret-long-enough' },
    /S3_ACCESS_KEY_ID: must be set/,
  ],
  [
    'local S3',
    'dist/libs/storage/src/local-s3.main.js',
    { S3_ACCESS_KEY_ID: 'EBBKEY', S3_SECRET_ACCESS_KEY: 'short' },
    /S3_SECRET_ACCESS_KEY: must be at least 16 characters/,
  ],
];

describe('a wrong configuration value', () => {
  it.each(CASES)(
    'should stop %s at start with a message naming the variable (%s %j)',
    async (_name, entry, env, message) => {
      expect(existsSync(path.join(root, entry))).toBe(true);
      const { code, output } = await run(entry, env);
      expect(output).toMatch(message);
      expect(code).toBe(78);
    },
  );
});
