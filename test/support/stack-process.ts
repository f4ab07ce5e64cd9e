import { dropDatabase } from '@app/database';
import {
  deleteNamespace,
  freePort,
  isAlive,
  testDatabaseUrl,
  TestVhost,
  uniqueName,
  waitFor,
} from '@app/testing';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';

/** repositoryRoot is the folder holding package.json. */
export const repositoryRoot = path.resolve(__dirname, '..', '..');

/** childPids lists the direct children of a process. */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** workerPids lists the worker processes recorded in a fleet state folder. */
export function workerPids(stateDir: string): number[] {
  try {
    return readdirSync(stateDir)
      .filter((f) => f.endsWith('.json'))
      .map(
        (f) => (JSON.parse(readFileSync(path.join(stateDir, f), 'utf8')) as { pid: number }).pid,
      );
  } catch {
    return [];
  }
}

/** StackProcess is a running `scripts/start.js` with its ports and folders. */
export interface StackProcess {
  child: ChildProcess;
  ports: { gateway: number; balancer: number; admin: number; s3: number };
  password: string;
  stateDir: string;
  databaseUrl: string;
  /** The stack's own broker vhost, when started with `{ ownVhost: true }`. */
  vhost?: TestVhost;
  /** Everything the stack printed so far. */
  output(): string;
  /** The pid of the service whose command line contains `entry` (e.g. apps/scaler/src/main.js). */
  servicePid(entry: string): number | undefined;
  /** fetch against the manager with the admin's Basic credentials, JSON in and out. */
  api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Resolves with the manager's /health body once it answers 200. */
  healthy(timeoutMs?: number): Promise<{ services: Record<string, string> }>;
  /** Kills whatever is left, drops the database, the broker namespace and the folders. */
  cleanUp(): Promise<void>;
}

/**
 * startStackProcess runs the whole stack as `npm start` does (scripts/start.js on the built
 * dist/), on free ports, with its own database, broker namespace, S3 folder and fleet state
 * folder. `env` adds or overrides variables (fast timings for tests). `ownVhost` runs it in a
 * broker vhost of its own (AMQP_URL …/<vhost>), for a test that drops the stack's connections.
 */
export async function startStackProcess(
  env: Record<string, string> = {},
  { ownVhost = false } = {},
): Promise<StackProcess> {
  const vhost = ownVhost ? await TestVhost.create('ebbflow-stack') : undefined;
  const dbUrl = testDatabaseUrl('ebbflow_stack');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ebbflow-stack-'));
  const stateDir = path.join(tmp, 'fleet');
  const namespace = uniqueName('stack');
  const password = 'stack-test-password';
  const ports = {
    gateway: await freePort(),
    balancer: await freePort(),
    admin: await freePort(),
    s3: await freePort(),
  };
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'scripts/start.js')], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      GATEWAY_PORT: String(ports.gateway),
      BALANCER_PORT: String(ports.balancer),
      BALANCER_ADMIN_PORT: String(ports.admin),
      BALANCER_ADMIN_URL: `http://127.0.0.1:${ports.admin}`,
      BALANCER_PUBLIC_URL: `http://localhost:${ports.balancer}`,
      S3_PORT: String(ports.s3),
      S3_ENDPOINT: `http://127.0.0.1:${ports.s3}`,
      // start.js generates this stack's S3 key pair beside it (tmp/s3-credentials.json).
      S3_DIRECTORY: path.join(tmp, 's3'),
      FLEET_STATE_DIR: stateDir,
      BALANCER_STATE_FILE: path.join(tmp, 'balancer', 'targets.json'),
      DATABASE_URL: dbUrl,
      AMQP_NAMESPACE: namespace,
      ...(vhost ? { AMQP_URL: vhost.url } : {}),
      MANAGER_PASSWORD: password,
      METRICS_POLL_S: '1',
      BALANCER_HEALTH_INTERVAL_MS: '500',
      BALANCER_HEALTH_TIMEOUT_MS: '400',
      FLEET_RECONCILE_INTERVAL_MS: '1000',
      // stack.test.ts scales on CPU burnt through /api/load/cpu (off by default, issue #10); the
      // fleet passes WORKER_* on to the workers.
      WORKER_LOAD_ENDPOINTS: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const seen = new Set<number>();
  const remember = () => {
    for (const pid of [...childPids(child.pid!), ...workerPids(stateDir)]) seen.add(pid);
  };
  const stack: StackProcess = {
    child,
    ports,
    password,
    stateDir,
    databaseUrl: dbUrl,
    vhost,
    output: () => output,
    servicePid(entry) {
      remember();
      return childPids(child.pid!).find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry);
        } catch {
          return false;
        }
      });
    },
    async api<T>(method: string, url: string, body?: unknown) {
      const res = await fetch(`http://127.0.0.1:${ports.gateway}${url}`, {
        method,
        headers: {
          authorization: 'Basic ' + Buffer.from(`admin:${password}`).toString('base64'),
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    healthy(timeoutMs = 60000) {
      return waitFor(
        async () => {
          remember();
          const res = await fetch(`http://127.0.0.1:${ports.gateway}/health`);
          return res.status === 200
            ? ((await res.json()) as { services: Record<string, string> })
            : null;
        },
        { timeoutMs, intervalMs: 500, what: `/health 200\n${output.slice(-3000)}` },
      );
    },
    async cleanUp() {
      remember();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
      await dropDatabase(dbUrl);
      if (vhost) await vhost.delete();
      else await deleteNamespace(namespace);
    },
  };
  return stack;
}
