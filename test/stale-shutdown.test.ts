import { SYSTEM_SHUTDOWN, ServiceName } from '@app/contracts';
import { dropDatabase } from '@app/database';
import { MessageBus } from '@app/messaging';
import {
  deleteNamespace,
  freePort,
  isAlive,
  testDatabaseUrl,
  testMessagingConfig,
  waitFor,
} from '@app/testing';
import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { repositoryRoot } from './support/stack-process';

const SERVICES = ['fleet', 'metrics', 'scaler', 'janitor'] as const;

/**
 * A "Stopping" (SYSTEM_SHUTDOWN) published while the services were down waited in their durable
 * events queues and stopped fleet, metrics, scaler and janitor again at their next start (issue
 * #9). The built services (dist/) on the real broker and MySQL: a stale shutdown is ignored, a
 * fresh one still stops every service.
 */
describe('a shutdown requested while the services were down (built services)', () => {
  const messaging = testMessagingConfig();
  const databaseUrl = testDatabaseUrl('ebbflow_stale');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ebbflow-stale-'));
  const running = new Map<ServiceName, ChildProcess>();
  const output: Record<string, string> = {};
  let bus: MessageBus;
  let env: NodeJS.ProcessEnv;

  const start = (service: ServiceName) => {
    const child = spawn(
      process.execPath,
      [path.join(repositoryRoot, `dist/apps/${service}/src/main.js`)],
      { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    output[service] = '';
    child.stdout!.on('data', (d: Buffer) => (output[service] += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output[service] += d.toString()));
    running.set(service, child);
  };
  const exited = (service: ServiceName) => {
    const child = running.get(service)!;
    return child.exitCode !== null || child.signalCode !== null;
  };
  /** allUp: every service's process alive and answering its ping. */
  const allUp = async () => {
    for (const service of SERVICES) {
      if (exited(service)) return false;
      await bus.ping(service, 2000);
    }
    return true;
  };
  const logs = () => SERVICES.map((s) => `[${s}] ${output[s]?.slice(-1500)}`).join('\n');

  beforeAll(async () => {
    env = {
      ...process.env,
      AMQP_URL: messaging.AMQP_URL,
      AMQP_NAMESPACE: messaging.AMQP_NAMESPACE,
      DATABASE_URL: databaseUrl,
      CLOUD_PROVIDER: 'local',
      INITIAL_WORKERS: '0',
      FLEET_STATE_DIR: path.join(tmp, 'fleet'),
      // Nothing listens there: no worker is launched, so no balancer is needed.
      BALANCER_ADMIN_URL: `http://127.0.0.1:${await freePort()}`,
      S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      S3_DIRECTORY: path.join(tmp, 's3'),
      FORCE_COLOR: '0',
    };
    bus = new MessageBus('gateway', messaging);
  });

  afterAll(async () => {
    for (const child of running.values()) {
      if (child.pid && isAlive(child.pid)) child.kill('SIGKILL');
    }
    await bus?.close();
    await deleteNamespace(messaging.AMQP_NAMESPACE);
    await dropDatabase(databaseUrl);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('should ignore a shutdown published while they were down, and still obey a fresh one', async () => {
    // A first run declares the services' queues; then they stop (not through a shutdown).
    // One after the other: their migrations share the database.
    for (const service of SERVICES) {
      start(service);
      await waitFor(() => bus.ping(service, 2000), {
        timeoutMs: 60000,
        what: `${service} up\n${logs()}`,
      });
    }
    for (const service of SERVICES) running.get(service)!.kill('SIGTERM');
    await waitFor(() => SERVICES.every(exited), {
      timeoutMs: 30000,
      what: 'the first run to stop',
    });

    // "Stopping" while they are down: the event waits in each durable events queue.
    await bus.emit(SYSTEM_SHUTDOWN, { cause: 'stale Stopping', at: new Date().toISOString() });

    for (const service of SERVICES) start(service);
    await waitFor(allUp, { timeoutMs: 60000, intervalMs: 1000, what: `all up\n${logs()}` });
    // They have read their queues: each logged the stale request it ignored.
    await waitFor(
      () => SERVICES.every((s) => output[s]!.includes('ignoring a system shutdown requested at')),
      { timeoutMs: 30000, what: `the stale shutdown read\n${logs()}` },
    );
    await new Promise((r) => setTimeout(r, 30000));
    expect(await allUp()).toBe(true);

    // A shutdown requested now still stops every one of them, cleanly.
    await bus.emit(SYSTEM_SHUTDOWN, { cause: 'fresh Stopping', at: new Date().toISOString() });
    await waitFor(() => SERVICES.every(exited), {
      timeoutMs: 60000,
      what: `every service to stop\n${logs()}`,
    });
    for (const service of SERVICES) {
      expect(running.get(service)!.exitCode).toBe(0);
      expect(output[service]).toContain('system shutdown requested: fresh Stopping');
    }
  });
});
