import { ChildProcess, spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import { tmpdir } from 'os';
import { dropDatabase } from '@app/database';
import { LocalS3, startLocalS3 } from '@app/storage';
import {
  BALANCER_ADMIN_AUTH,
  FAST_BALANCER_ENV,
  freePort,
  testDatabaseUrl,
  uniqueName,
  waitFor,
} from '@app/testing';
import { TargetView } from '../src/targets/target';

const ROOT = resolve(__dirname, '..', '..', '..');
const BALANCER_ENTRY = join(ROOT, 'dist/apps/balancer/src/main.js');
const WORKER_ENTRY = join(ROOT, 'dist/apps/worker/src/main.js');

/** Child is a process of the dist/ build with its output collected. */
interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

function run(entry: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return { process: child, output: () => output, exited };
}

async function kill(child: Child | undefined): Promise<void> {
  if (!child) return;
  if (child.process.exitCode === null && child.process.signalCode === null) {
    child.process.kill('SIGKILL');
  }
  await child.exited;
}

/** Outcome is one request of the traffic loop: when it was sent and what came back. */
interface Outcome {
  at: number;
  status: number | string;
}

/**
 * Issue #9: a balancer killed with SIGKILL under traffic and restarted (as scripts/start.js
 * restarts a crashed service) must serve again at once, with its targets restored from its state
 * file — here without any fleet to register them again.
 */
describe('balancer killed and restarted under traffic (real processes from dist/)', () => {
  const databaseUrl = testDatabaseUrl('balancer_restart');
  const bucket = uniqueName('restart');
  const dir = mkdtempSync(join(tmpdir(), 'ebbflow-balancer-restart-'));
  let s3: LocalS3 | undefined;
  const workers: Child[] = [];
  const balancers: Child[] = [];

  afterAll(async () => {
    await Promise.all([...balancers, ...workers].map(kill));
    await s3?.close();
    await dropDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  });

  it('should serve again as soon as it is restarted after a SIGKILL, with its targets restored', async () => {
    for (const entry of [BALANCER_ENTRY, WORKER_ENTRY]) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: build first`);
    }
    s3 = await startLocalS3({ port: 0, directory: join(dir, 's3'), buckets: [bucket] });
    const addresses: Record<string, string> = {};
    // One after the other: the first one creates the database and its tables.
    for (const id of ['i-0000000000000aaa1', 'i-0000000000000aaa2']) {
      const port = await freePort();
      const worker = run(WORKER_ENTRY, {
        NODE_ENV: 'production',
        CLOUD_PROVIDER: 'local',
        DATABASE_URL: databaseUrl,
        S3_ENDPOINT: s3.url,
        S3_BUCKET: bucket,
        WORKER_HOST: '127.0.0.1',
        WORKER_PORT: String(port),
        INSTANCE_ID: id,
      });
      workers.push(worker);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, {
        timeoutMs: 60000,
        what: `worker ${id} (output: ${worker.output()})`,
      });
      addresses[id] = `127.0.0.1:${port}`;
    }

    const [port, adminPort] = [await freePort(), await freePort()];
    const balancerEnv = {
      ...FAST_BALANCER_ENV,
      BALANCER_PORT: String(port),
      BALANCER_ADMIN_PORT: String(adminPort),
      BALANCER_STATE_FILE: join(dir, 'balancer', 'targets.json'),
    };
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${adminPort}${path}`, {
        ...init,
        headers: { ...BALANCER_ADMIN_AUTH, 'content-type': 'application/json' },
      });
    const targets = async () =>
      ((await (await admin('/targets')).json()) as TargetView[])
        .map((t) => `${t.id}@${t.address}`)
        .sort();
    const startBalancer = () => {
      const balancer = run(BALANCER_ENTRY, balancerEnv);
      balancers.push(balancer);
      return balancer;
    };
    const first = startBalancer();
    await waitFor(async () => (await admin('/health')).ok, {
      timeoutMs: 60000,
      what: `the balancer (output: ${first.output()})`,
    });
    for (const [id, address] of Object.entries(addresses)) {
      const res = await admin(`/targets/${id}`, {
        method: 'PUT',
        body: JSON.stringify({ address }),
      });
      expect(res.status).toBe(201);
    }
    const allHealthy = () =>
      waitFor(
        async () =>
          ((await (await admin('/targets')).json()) as TargetView[]).every(
            (t) => t.health === 'healthy',
          ),
        { timeoutMs: 30000, what: 'both workers healthy' },
      );
    await allHealthy();
    const before = await targets();

    // Traffic: one request after another through the balancer, to the real app's login page.
    const outcomes: Outcome[] = [];
    let traffic = true;
    const loop = (async () => {
      while (traffic) {
        const at = Date.now();
        try {
          const res = await fetch(`http://127.0.0.1:${port}/login`, {
            signal: AbortSignal.timeout(2000),
          });
          await res.arrayBuffer();
          outcomes.push({ at, status: res.status });
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          outcomes.push({ at, status: cause ?? (error as Error).name });
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    })();
    await waitFor(() => outcomes.filter((o) => o.status === 200).length >= 20, {
      what: 'traffic flowing',
    });

    const killedAt = Date.now();
    first.process.kill('SIGKILL');
    await first.exited;
    // The supervisor's part (scripts/start.js restarts a crashed service at once).
    const second = startBalancer();
    const recovered = await waitFor(
      () => outcomes.find((o) => o.at > killedAt && o.status === 200),
      {
        timeoutMs: 60000,
        intervalMs: 20,
        what: `a request served after the kill (${second.output()})`,
      },
    );
    await waitFor(() => outcomes.filter((o) => o.at > recovered.at).length >= 20, {
      what: 'more traffic after the restart',
    });
    traffic = false;
    await loop;

    const failed = outcomes.filter((o) => o.at > killedAt && o.status !== 200);
    const failedAfterRecovery = failed.filter((o) => o.at > recovered.at);
    process.stdout.write(
      `balancer restart: first success ${recovered.at - killedAt} ms after the SIGKILL; ` +
        `${failed.length} request(s) failed (${[...new Set(failed.map((o) => o.status))].join(', ')})\n`,
    );
    // Nothing registered the targets again: the restarted balancer restored them itself.
    expect(await targets()).toEqual(before);
    expect(second.output()).toMatch(/restored 2 target\(s\)/);
    // Once it serves again, it keeps serving (failing open while the first checks run).
    expect(failedAfterRecovery).toEqual([]);
    // Both workers serve after the restart, once their checks passed again.
    await allHealthy();
    // The metrics service scrapes a worker at its own address; through the balancer it is 404.
    const scraped = await fetch(`http://${Object.values(addresses)[0]}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('http_requests_total');
    const hidden = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('x-ebbflow-instance')).toBeNull();
    await hidden.arrayBuffer();
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/login`);
      await res.arrayBuffer();
      served.add(res.headers.get('x-ebbflow-instance') ?? '');
    }
    expect(served).toEqual(new Set(Object.keys(addresses)));
  });
});
