import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BALANCER_ADMIN_AUTH, freePort, TEST_BALANCER_ADMIN_TOKEN, waitFor } from '@app/testing';

const ROOT = join(__dirname, '..', '..', '..');

/** runMain starts apps/balancer/src/main.ts as its own process (ts-node), as `npm start` would. */
function runMainProcess(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
} {
  let output = '';
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/balancer/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PROJECT: 'tsconfig.json',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('balancer main (a real process)', () => {
  const started: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ebbflow-balancer-main-'));
  afterAll(() => {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('should serve the proxy and the admin API, and stop cleanly on SIGTERM', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const { child, output } = runMainProcess({
      BALANCER_PORT: String(port),
      BALANCER_HOST: '127.0.0.1',
      BALANCER_ADMIN_PORT: String(adminPort),
      BALANCER_STATE_FILE: join(dir, 'targets.json'),
      BALANCER_ADMIN_TOKEN: TEST_BALANCER_ADMIN_TOKEN,
    });
    started.push(child);
    const health = await waitFor(
      async () =>
        (
          await fetch(`http://127.0.0.1:${adminPort}/health`, { headers: BALANCER_ADMIN_AUTH })
        ).json(),
      { timeoutMs: 30000, what: `the admin API (output: ${output()})` },
    );
    expect(health).toEqual({ status: 'ok', targets: 0, healthy: 0, failOpen: false });
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(503);

    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('should refuse a bad variable with exit code 78 and a message naming it', async () => {
    const { child, output } = runMainProcess({
      BALANCER_ADMIN_TOKEN: TEST_BALANCER_ADMIN_TOKEN,
      BALANCER_HEALTH_INTERVAL_MS: '1000',
      BALANCER_HEALTH_TIMEOUT_MS: '5000',
    });
    started.push(child);
    expect(await exitOf(child)).toBe(78);
    expect(output()).toContain(
      'BALANCER_HEALTH_TIMEOUT_MS: must be less than BALANCER_HEALTH_INTERVAL_MS',
    );
  });

  it.each([
    ['without an admin token', undefined, 'BALANCER_ADMIN_TOKEN: is required'],
    ['with a short admin token', 'short-token', 'BALANCER_ADMIN_TOKEN: must be at least 16'],
  ])('should refuse to start %s (exit 78 naming BALANCER_ADMIN_TOKEN)', async (_n, token, text) => {
    const env: Record<string, string> = { BALANCER_PORT: '0', BALANCER_ADMIN_PORT: '0' };
    if (token) env.BALANCER_ADMIN_TOKEN = token;
    const { child, output } = runMainProcess(env);
    started.push(child);
    expect(await exitOf(child)).toBe(78);
    expect(output()).toContain(text);
  });
});
