import { execFile } from 'child_process';
import { Logger } from '@nestjs/common';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { uniqueName, waitFor } from '@app/testing';
import {
  killAllLocalWorkers,
  LocalComputeAdapter,
  LocalComputeConfig,
  loadLocalCloudConfig,
} from '../src';
import { pidExists } from '../src/local/worker-process';

const FAKE_WORKER = join(__dirname, 'fixtures', 'fake-worker.js');

/** pidsWithMarker lists live processes whose environment holds FAKE_WORKER_RUN=<marker>. */
async function pidsWithMarker(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(`FAKE_WORKER_RUN=${marker}`)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours: not one of this test's workers.
    }
  }
  return pids;
}

async function health(address: string): Promise<{ status: number; instance: string | null }> {
  const res = await fetch(`http://${address}/health`);
  await res.arrayBuffer();
  return { status: res.status, instance: res.headers.get('x-ebbflow-instance') };
}

describe('LocalComputeAdapter (real worker processes, fixture worker)', () => {
  let stateDir: string;
  let marker: string;
  let config: LocalComputeConfig;
  let extraEnv: Record<string, string>;

  const adapter = (overrides: Partial<LocalComputeConfig> = {}) =>
    new LocalComputeAdapter(
      { ...config, ...overrides },
      { env: { ...process.env, FAKE_WORKER_RUN: marker, NOT_FOR_WORKERS: 'secret', ...extraEnv } },
    );

  beforeAll(() => Logger.overrideLogger(['error']));

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'ebbflow-compute-'));
    marker = uniqueName('run');
    extraEnv = {};
    config = loadLocalCloudConfig({
      WORKER_ENTRY: FAKE_WORKER,
      FLEET_STATE_DIR: stateDir,
      LAUNCH_TIMEOUT_MS: '10000',
      TERMINATE_GRACE_MS: '2000',
      WORKER_ENV_PASS: 'PATH,HOME,LANG,WORKER_*,FAKE_WORKER_*',
    });
  });

  afterEach(async () => {
    await killAllLocalWorkers(stateDir, { graceMs: 500 });
    // Anything this test started that no state file lists any more (should be none).
    for (const pid of await pidsWithMarker(marker)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rm(stateDir, { recursive: true, force: true });
  });

  it('should launch a detached worker that answers /health as itself, with a state file and a log', async () => {
    const compute = adapter();
    const instance = await compute.launch({ clientToken: 'cmd-1#0' });

    expect(instance).toMatchObject({
      state: 'running',
      address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(instance.id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(await health(instance.address!)).toEqual({ status: 200, instance: instance.id });

    const record = JSON.parse(await readFile(join(stateDir, `${instance.id}.json`), 'utf8'));
    expect(Object.keys(record).sort()).toEqual([
      'address',
      'clientToken',
      'id',
      'launchedAt',
      'pid',
      'port',
    ]);
    expect(record).toMatchObject({
      id: instance.id,
      address: instance.address,
      clientToken: 'cmd-1#0',
    });
    expect(new Date(record.launchedAt).getTime()).toBe(instance.launchedAt.getTime());
    expect(await pidsWithMarker(marker)).toEqual([record.pid]);
    // Its own process group (detached), so it outlives the fleet and can be stopped as a group.
    const stat = await readFile(`/proc/${record.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])).toBe(record.pid);
    expect(await readFile(join(stateDir, `${instance.id}.log`), 'utf8')).toContain('listening');

    // The environment is filtered: the worker's variables pass, the fleet's own do not.
    const env = (await (await fetch(`http://${instance.address}/fixture/env`)).json()) as string[];
    expect(env).toEqual(
      expect.arrayContaining(['INSTANCE_ID', 'WORKER_HOST', 'WORKER_PORT', 'PATH']),
    );
    expect(env).not.toContain('NOT_FOR_WORKERS');

    expect(await compute.describe()).toEqual([instance]);
  });

  it('should launch one process for one client token, even when asked twice at once and again later', async () => {
    const compute = adapter();
    const [a, b] = await Promise.all([
      compute.launch({ clientToken: 'cmd-2#0' }),
      compute.launch({ clientToken: 'cmd-2#0' }),
    ]);
    const c = await compute.launch({ clientToken: 'cmd-2#0' });
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(await pidsWithMarker(marker)).toHaveLength(1);
    expect((await readdir(stateDir)).filter((f) => f.endsWith('.json'))).toEqual([`${a.id}.json`]);

    // Another token is another worker.
    const other = await compute.launch({ clientToken: 'cmd-2#1' });
    expect(other.id).not.toBe(a.id);
    expect(await pidsWithMarker(marker)).toHaveLength(2);
  });

  it('should re-adopt running workers in a new adapter (a fleet restart): same ids, no new process', async () => {
    const before = adapter();
    const one = await before.launch({ clientToken: 'cmd-3#0' });
    const two = await before.launch({ clientToken: 'cmd-3#1' });
    const pids = (await pidsWithMarker(marker)).sort();
    expect(pids).toHaveLength(2);

    const after = adapter();
    const described = await after.describe();
    expect(described.map((i) => [i.id, i.state]).sort()).toEqual(
      [
        [one.id, 'running'],
        [two.id, 'running'],
      ].sort(),
    );
    // A redelivered launch command after the restart gets the same worker.
    expect((await after.launch({ clientToken: 'cmd-3#0' })).id).toBe(one.id);
    expect((await pidsWithMarker(marker)).sort()).toEqual(pids);
  });

  it('should keep workers running when the fleet process that launched them dies, and re-adopt them', async () => {
    // A real separate "fleet" process launches a worker and exits at once, without cleanup.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'fixtures', 'launch-and-exit.ts'),
        'cmd-12#0',
      ],
      {
        cwd: join(__dirname, '..', '..', '..'),
        env: {
          ...process.env,
          TS_NODE_TRANSPILE_ONLY: 'true',
          TS_NODE_PROJECT: 'tsconfig.json',
          FAKE_WORKER_RUN: marker,
          WORKER_ENTRY: config.WORKER_ENTRY,
          FLEET_STATE_DIR: stateDir,
          WORKER_ENV_PASS: config.WORKER_ENV_PASS,
        },
      },
    );
    const launched = JSON.parse(stdout.trim().split('\n').pop()!) as {
      id: string;
      address: string;
    };
    expect(await health(launched.address)).toEqual({ status: 200, instance: launched.id });

    const compute = adapter();
    expect(await compute.describe()).toEqual([
      expect.objectContaining({ id: launched.id, state: 'running', address: launched.address }),
    ]);
    expect(await pidsWithMarker(marker)).toHaveLength(1);
  });

  it('should report a SIGKILLed worker as terminated once, then forget it (but not its token)', async () => {
    const compute = adapter();
    const doomed = await compute.launch({ clientToken: 'cmd-4#0' });
    const survivor = await compute.launch({ clientToken: 'cmd-4#1' });
    const { pid } = JSON.parse(await readFile(join(stateDir, `${doomed.id}.json`), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !pidExists(pid), { what: 'the killed worker to be reaped' });

    const first = await compute.describe();
    expect(first.find((i) => i.id === doomed.id)?.state).toBe('terminated');
    expect(first.find((i) => i.id === survivor.id)?.state).toBe('running');
    expect((await compute.describe()).map((i) => i.id)).toEqual([survivor.id]);

    // Like an EC2 ClientToken, the token still names the dead instance: no second launch.
    expect(await compute.launch({ clientToken: 'cmd-4#0' })).toMatchObject({
      id: doomed.id,
      state: 'terminated',
    });
    expect(await pidsWithMarker(marker)).toHaveLength(1);
  });

  it('should terminate a worker so that its pid is gone, and ignore unknown ids', async () => {
    const compute = adapter();
    const instance = await compute.launch({ clientToken: 'cmd-5#0' });
    const { pid } = JSON.parse(await readFile(join(stateDir, `${instance.id}.json`), 'utf8'));

    await compute.terminate(instance.id);
    expect(pidExists(pid)).toBe(false);
    expect(await readdir(stateDir)).not.toContain(`${instance.id}.json`);
    expect(await compute.describe()).toEqual([]);
    await expect(compute.terminate(instance.id)).resolves.toBeUndefined();
    await expect(compute.terminate('i-0000000000000dead')).resolves.toBeUndefined();
    await expect(compute.terminate('../../etc/passwd')).resolves.toBeUndefined();
  });

  it('should SIGKILL a worker that ignores SIGTERM once the grace period is over', async () => {
    extraEnv = { FAKE_WORKER_IGNORE_SIGTERM: '1' };
    const compute = adapter({ TERMINATE_GRACE_MS: 300 });
    const instance = await compute.launch({ clientToken: 'cmd-6#0' });
    const [pid] = await pidsWithMarker(marker);

    await compute.terminate(instance.id);
    expect(pidExists(pid)).toBe(false);
    expect(await readFile(join(stateDir, `${instance.id}.log`), 'utf8')).toContain(
      'SIGTERM ignored',
    );
  });

  it('should never signal a process that reused a worker pid, and report that worker terminated', async () => {
    // A state file whose pid (this test process) is alive but is not that worker.
    const record = {
      id: 'i-0123456789abcdef0',
      pid: process.pid,
      port: 1,
      address: '127.0.0.1:1',
      launchedAt: new Date().toISOString(),
      clientToken: 'cmd-7#0',
    };
    await writeFile(join(stateDir, `${record.id}.json`), JSON.stringify(record));
    const compute = adapter();
    expect(await compute.describe()).toEqual([
      expect.objectContaining({ id: record.id, state: 'terminated' }),
    ]);
    await writeFile(join(stateDir, `${record.id}.json`), JSON.stringify(record));
    await compute.terminate(record.id);
    expect(await killAllLocalWorkers(stateDir)).toEqual([]);
    // Still alive to tell the tale.
    expect(pidExists(process.pid)).toBe(true);
  });

  it('should reject a launch whose worker exits, with its log, and forget the token', async () => {
    const crashing = join(stateDir, 'crashing-worker.js');
    await writeFile(
      crashing,
      "console.error('boom: cannot connect to the database'); process.exit(3);\n",
    );
    const compute = adapter({ WORKER_ENTRY: crashing });
    await expect(compute.launch({ clientToken: 'cmd-8#0' })).rejects.toThrow(
      /exited \(code 3\) before it was healthy[\s\S]*boom: cannot connect to the database/,
    );
    expect((await readdir(stateDir)).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('should kill a worker that is not healthy within LAUNCH_TIMEOUT_MS and reject', async () => {
    extraEnv = { FAKE_WORKER_START_DELAY_MS: '60000' };
    const compute = adapter({ LAUNCH_TIMEOUT_MS: 700 });
    await expect(compute.launch({ clientToken: 'cmd-9#0' })).rejects.toThrow(
      /did not answer \/health within 700 ms/,
    );
    expect(await pidsWithMarker(marker)).toEqual([]);
    expect((await readdir(stateDir)).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  /** probeLines reads the health-probe lines a FAKE_WORKER_LOG_HEALTH=1 worker logged. */
  const probeLines = async (): Promise<string[]> => {
    const logs = (await readdir(stateDir)).filter((f) => f.endsWith('.log'));
    const text = (await Promise.all(logs.map((f) => readFile(join(stateDir, f), 'utf8')))).join('');
    return text.split('\n').filter((line) => line.startsWith('health probe'));
  };

  it('should probe a launching worker no more often than LAUNCH_PROBE_INTERVAL_MS', async () => {
    extraEnv = { FAKE_WORKER_START_DELAY_MS: '2000', FAKE_WORKER_LOG_HEALTH: '1' };
    const compute = adapter({ LAUNCH_PROBE_INTERVAL_MS: 500, LAUNCH_PROBE_TIMEOUT_MS: 1000 });
    const started = Date.now();
    const instance = await compute.launch({ clientToken: 'cmd-probe#0' });
    const elapsed = Date.now() - started;
    const probes = (await probeLines()).filter((l) => l.startsWith('health probe, in flight'));
    // One probe per 500 ms at most, plus the first; a loaded machine only makes fewer. The old
    // fixed 100 ms poll asked about 20 times during this 2 s start.
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.length).toBeLessThanOrEqual(Math.floor(elapsed / 500) + 2);
    expect(await health(instance.address!)).toMatchObject({ status: 200 });
  });

  it('should abandon a launch probe after LAUNCH_PROBE_TIMEOUT_MS and keep one in flight', async () => {
    // The worker accepts /health but answers only after 30 s: every probe must be cut.
    extraEnv = { FAKE_WORKER_HEALTH_DELAY_MS: '30000', FAKE_WORKER_LOG_HEALTH: '1' };
    const compute = adapter({
      LAUNCH_TIMEOUT_MS: 2500,
      LAUNCH_PROBE_INTERVAL_MS: 50,
      LAUNCH_PROBE_TIMEOUT_MS: 200,
    });
    await expect(compute.launch({ clientToken: 'cmd-probe#1' })).rejects.toThrow(
      /did not answer \/health within 2500 ms/,
    );
    const lines = await probeLines();
    const inFlight = lines
      .filter((l) => l.startsWith('health probe, in flight'))
      .map((l) => Number(/in flight (\d+)/.exec(l)![1]));
    expect(inFlight.length).toBeGreaterThanOrEqual(2);
    // Never a second probe while one is open: each was cut before the next started.
    expect(Math.max(...inFlight)).toBe(1);
    expect(
      lines.filter((l) => l === 'health probe closed unanswered').length,
    ).toBeGreaterThanOrEqual(inFlight.length - 1);
  });

  it('should refuse to launch when WORKER_ENTRY does not exist, saying so', async () => {
    const compute = adapter({ WORKER_ENTRY: join(stateDir, 'missing.js') });
    await expect(compute.launch({ clientToken: 'cmd-10#0' })).rejects.toThrow(
      /WORKER_ENTRY .*missing\.js does not exist/,
    );
    await expect(compute.launch({ clientToken: '' })).rejects.toThrow(/clientToken/);
  });

  it('should stop every listed worker with killAllLocalWorkers', async () => {
    const compute = adapter();
    const ids = [
      (await compute.launch({ clientToken: 'cmd-11#0' })).id,
      (await compute.launch({ clientToken: 'cmd-11#1' })).id,
    ];
    expect((await killAllLocalWorkers(stateDir, { graceMs: 1000 })).sort()).toEqual(ids.sort());
    await waitFor(async () => (await pidsWithMarker(marker)).length === 0, {
      what: 'no worker left',
    });
    expect((await readdir(stateDir)).filter((f) => f.endsWith('.json'))).toEqual([]);
  });
});
