import { isAlive, waitFor } from '@app/testing';
import { createConnection } from 'mysql2/promise';
import { StackProcess, startStackProcess, workerPids } from './support/stack-process';

/**
 * "Stopping" (DESIGN.md): terminate all workers, disable the auto-scaler, then stop the manager —
 * through the JSON API of a stack run as `npm start` runs it.
 */
describe('Stopping (POST /api/shutdown) on the whole stack', () => {
  let stack: StackProcess;

  beforeAll(async () => {
    stack = await startStackProcess({ INITIAL_WORKERS: '2' });
  });

  afterAll(() => stack.cleanUp());

  it('should drain and terminate every worker, disable the auto-scaler, then stop every service', async () => {
    await stack.healthy();
    await waitFor(
      async () => {
        const { body } = await stack.api<{ workers: { health: string }[] }>('GET', '/api/workers');
        return body.workers.filter((w) => w.health === 'healthy').length === 2;
      },
      { timeoutMs: 60000, intervalMs: 500, what: 'two healthy workers' },
    );
    const policy = {
      growThreshold: 50,
      shrinkThreshold: 5,
      growRatio: 2,
      shrinkRatio: 2,
      minWorkers: 1,
      maxWorkers: 4,
      enabled: true,
    };
    expect((await stack.api('PUT', '/api/policy', policy)).status).toBe(200);
    const workers = workerPids(stack.stateDir);
    expect(workers).toHaveLength(2);
    const services = [
      'apps/gateway/src/main.js',
      'apps/fleet/src/main.js',
      'apps/metrics/src/main.js',
      'apps/scaler/src/main.js',
      'apps/janitor/src/main.js',
      'apps/balancer/src/main.js',
      'libs/storage/src/local-s3.main.js',
    ].map((entry) => stack.servicePid(entry)!);
    expect(services.every((pid) => pid > 0)).toBe(true);

    const exited = new Promise<number | null>((resolve) =>
      stack.child.on('exit', (code) => resolve(code)),
    );
    const ids = (await stack.api<{ workers: { id: string }[] }>('GET', '/api/workers')).body.workers
      .map((w) => w.id)
      .sort();
    const { status, body } = await stack.api<{
      workersTerminated: string[];
      scalerDisabled: boolean;
      shutdownRequested: boolean;
    }>('POST', '/api/shutdown');
    expect(status).toBe(200);
    expect([...body.workersTerminated].sort()).toEqual(ids);
    expect(body.scalerDisabled).toBe(true);
    expect(body.shutdownRequested).toBe(true);

    // The supervisor (npm start) ends once the manager stops, with everything it ran.
    expect(await exited).toBe(0);
    await waitFor(() => [...workers, ...services].every((pid) => !isAlive(pid)), {
      timeoutMs: 10000,
      what: 'no process of the stack left',
    });
    expect(stack.output()).toMatch(/the manager stopped/);
    // No service crashed on the way down (the supervisor would have restarted it).
    expect(stack.output()).not.toMatch(/restarting in/);
    // The scaler stored "disabled" before it stopped: the policy is kept, switched off.
    const conn = await createConnection({ uri: stack.databaseUrl });
    const [rows] = await conn.query('SELECT enabled FROM scaling_policy');
    await conn.end();
    expect((rows as { enabled: number }[]).map((r) => Number(r.enabled))).toEqual([0]);
  });
});
