import { ORIGINAL_POLICY } from '@app/contracts';
import { isAlive, launchChromium, testAmqpUrl, waitFor } from '@app/testing';
import amqplib from 'amqplib';
import { mkdirSync } from 'fs';
import path from 'path';
import {
  childPids,
  repositoryRoot,
  StackProcess,
  startStackProcess,
  workerPids,
} from './support/stack-process';

/**
 * The whole stack as `npm start` runs it (scripts/start.js on the built dist/), on free ports,
 * with its own database, broker namespace, S3 folder and fleet state folder: health, the pool,
 * the manager in a browser, auto-scaling under real CPU load, crashes and restarts, Ctrl-C.
 */
describe('npm start (the whole stack, local mode)', () => {
  let stack: StackProcess;
  let ports: StackProcess['ports'];
  let password: string;
  const api = <T>(method: string, url: string, body?: unknown) => stack.api<T>(method, url, body);
  const serviceProcess = (entry: string) => stack.servicePid(entry);

  beforeAll(async () => {
    stack = await startStackProcess(
      {
        // The original project's minutes, as seconds, so that a whole grow/shrink cycle fits a test.
        SCALER_INTERVAL_S: '2',
        SCALER_WINDOW_S: '4',
        SCALER_COOLDOWN_S: '6',
        SCALER_WARMUP_S: '3',
      },
      // Its own vhost: the reconnect test drops the stack's broker connections, nobody else's.
      { ownVhost: true },
    );
    ports = stack.ports;
    password = stack.password;
  });

  afterAll(() => stack.cleanUp());

  it('should answer /health with every service up within 60 s', async () => {
    const health = await stack.healthy(60000);
    expect(health.services).toEqual({ fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' });
  });

  it('should bring the pool up with one healthy worker serving the app through the balancer', async () => {
    const workers = await waitFor(
      async () => {
        const { body } = await api<{ workers: { id: string; health: string }[] }>(
          'GET',
          '/api/workers',
        );
        return body.workers.length === 1 && body.workers[0].health === 'healthy'
          ? body.workers
          : null;
      },
      { timeoutMs: 60000, intervalMs: 500, what: 'one healthy worker' },
    );
    const page = await fetch(`http://127.0.0.1:${ports.balancer}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-ebbflow-instance')).toBe(workers[0].id);
    expect(await page.text()).toMatch(/<form/i);
  });

  it('should add a worker with "New one" and remove one with "Delete one" in the manager (Chromium)', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(30000);
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(`http://127.0.0.1:${ports.gateway}/workers`);
      await page.fill('#password', password);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/workers$/);
      const healthy = page.locator('#workers tbody tr[data-id] .health-healthy');
      await waitFor(async () => (await healthy.count()) === 1, {
        what: 'one healthy worker listed',
      });
      await page.click('text=New one');
      // The list updates itself (Server-Sent Events) as the new worker launches and passes health checks.
      await waitFor(async () => (await healthy.count()) === 2, {
        timeoutMs: 60000,
        what: 'two healthy workers listed, live',
      });
      mkdirSync(path.join(repositoryRoot, 'test-output'), { recursive: true });
      await page.screenshot({
        path: path.join(repositoryRoot, 'test-output', 'stack-worker-list.png'),
        fullPage: true,
      });
      await page.click('text=Delete one');
      await waitFor(async () => (await page.locator('#workers tbody tr[data-id]').count()) === 1, {
        timeoutMs: 60000,
        what: 'one worker left after "Delete one"',
      });
    } finally {
      await browser.close();
    }
  });

  type Activity = {
    activity: { kind: string; message: string; cause: string; data: { reason?: string } }[];
  };
  const policy = { ...ORIGINAL_POLICY, maxWorkers: 3 };

  it('should grow the pool when CPU load rises over the threshold, and say why in /api/activity', async () => {
    expect((await api('PUT', '/api/policy', policy)).status).toBe(200);
    let loading = true;
    // Three clients keep the single worker's CPU near 100 % of a core through the balancer.
    const loops = Array.from({ length: 3 }, async () => {
      while (loading) {
        await fetch(`http://127.0.0.1:${ports.balancer}/api/load/cpu?ms=250`).catch(
          () => undefined,
        );
      }
    });
    try {
      await waitFor(
        async () => (await api<{ desired: number }>('GET', '/api/workers')).body.desired >= 2,
        { timeoutMs: 60000, intervalMs: 500, what: 'the pool to grow' },
      );
    } finally {
      loading = false;
      await Promise.all(loops);
    }
    const { body } = await api<Activity>('GET', '/api/activity?limit=200');
    const grow = body.activity.find(
      (a) => a.kind === 'scaler-decision' && a.data.reason === 'grow',
    );
    expect(grow?.cause).toMatch(/above the grow threshold 20/);
  });

  it('should shrink the pool back when the load stops', async () => {
    await waitFor(
      async () => (await api<{ desired: number }>('GET', '/api/workers')).body.desired === 1,
      { timeoutMs: 60000, intervalMs: 500, what: 'the pool to shrink back to 1' },
    );
    const { body } = await api<Activity>('GET', '/api/activity?limit=200');
    const shrink = body.activity.find(
      (a) => a.kind === 'scaler-decision' && a.data.reason === 'shrink',
    );
    expect(shrink?.cause).toMatch(/below the shrink threshold 10/);
  });

  it('should keep the saved policy across a restart of the scaler', async () => {
    const scaler = serviceProcess('apps/scaler/src/main.js');
    expect(scaler).toBeDefined();
    process.kill(scaler!, 'SIGKILL');
    await waitFor(() => !isAlive(scaler!), { what: 'the scaler to die' });
    // The supervisor restarts it; the policy comes back from MySQL.
    const view = await waitFor(
      async () => {
        const res = await api<{ policy: typeof policy | null; enabled: boolean }>(
          'GET',
          '/api/policy',
        );
        return res.status === 200 ? res.body : null;
      },
      { timeoutMs: 30000, intervalMs: 500, what: 'the restarted scaler to answer' },
    );
    expect(view.policy).toMatchObject(policy);
    expect(view.enabled).toBe(true);
  });

  it('should answer /health 503 naming the service that stopped answering, and 200 once it is back', async () => {
    const janitor = serviceProcess('apps/janitor/src/main.js');
    expect(janitor).toBeDefined();
    process.kill(janitor!, 'SIGSTOP');
    try {
      const res = await fetch(`http://127.0.0.1:${ports.gateway}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { services: Record<string, string> };
      expect(body.services).toEqual({ fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'down' });
    } finally {
      process.kill(janitor!, 'SIGCONT');
    }
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${ports.gateway}/health`)).status === 200,
      {
        timeoutMs: 20000,
        what: '/health 200 again',
      },
    );
  });

  it('should come back by itself after the broker drops every connection of its vhost', async () => {
    const probe = await amqplib.connect(testAmqpUrl); // outside the vhost: must stay open
    let probeClosed = false;
    probe.on('close', () => (probeClosed = true));
    const before = await stack.vhost!.connectionPids();
    await stack.vhost!.closeConnections('ebbflow stack test');
    // The drop really happened: every service reconnected with a new connection.
    await waitFor(
      async () => {
        const now = await stack.vhost!.connectionPids();
        return now.length >= before.length && now.every((pid) => !before.includes(pid));
      },
      { timeoutMs: 30000, what: 'new connections instead of the dropped ones' },
    );
    expect(probeClosed).toBe(false);
    await probe.close();
    const health = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.gateway}/health`);
        return res.status === 200
          ? ((await res.json()) as { services: Record<string, string> })
          : null;
      },
      { timeoutMs: 30000, intervalMs: 500, what: '/health 200 after the broker dropped us' },
    );
    expect(health.services).toEqual({ fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' });
    expect((await api<{ workers: unknown[] }>('GET', '/api/workers')).status).toBe(200);
  });

  it('should serve the app again after the balancer crashes (restarted, workers registered again)', async () => {
    const balancer = serviceProcess('apps/balancer/src/main.js');
    expect(balancer).toBeDefined();
    process.kill(balancer!, 'SIGKILL');
    await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.balancer}/login`).catch(() => null);
        return res?.status === 200 && res.headers.get('x-ebbflow-instance');
      },
      { timeoutMs: 30000, intervalMs: 500, what: 'the app behind a restarted balancer' },
    );
  });

  it('should stop every process of the project on Ctrl-C (SIGINT)', async () => {
    const pids = [...childPids(stack.child.pid!), ...workerPids(stack.stateDir)];
    expect(pids.length).toBeGreaterThanOrEqual(8); // 7 services + at least one worker
    const exited = new Promise<number | null>((resolve) =>
      stack.child.on('exit', (code) => resolve(code)),
    );
    stack.child.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor(() => pids.every((pid) => !isAlive(pid)), {
      timeoutMs: 5000,
      what: 'no process left',
    });
  });
});
