import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { resolve } from 'path';
import { FLEET_GROW, FLEET_REMOVE_WORKER, WorkerView } from '@app/contracts';
import { DEFAULT_WORKER_ENV_PASS } from '@app/cloud';
import { RemoteError } from '@app/messaging';
import { BALANCER_ADMIN_AUTH, isAlive, waitFor } from '@app/testing';
import { FleetEnvironment } from './support/fleet-environment';

/** SLOW_START_MS: how long each worker answers /health 503 after it starts. */
const SLOW_START_MS = 6000;

/**
 * "Destroy" of a worker that is still starting, with real worker processes (the fake worker of
 * libs/cloud, slow to become healthy) behind the real balancer, over RabbitMQ and MySQL: the
 * fleet cancels the launch (the process ends as soon as the launch answers, it is never
 * registered), lowers the desired size, and refuses a second Destroy with a reason.
 */
describe('fleet: Destroy of a pending worker (real slow-starting processes)', () => {
  const env = new FleetEnvironment({
    workerEntry: resolve(__dirname, '../../../libs/cloud/test/fixtures/fake-worker.js'),
    workerEnv: { FAKE_WORKER_START_DELAY_MS: String(SLOW_START_MS) },
    fleetEnv: { WORKER_ENV_PASS: `${DEFAULT_WORKER_ENV_PASS},FAKE_WORKER_*` },
  });

  beforeAll(async () => {
    await env.start();
    await env.startFleet();
  });

  afterAll(async () => {
    await env.close();
  });

  const remove = (instanceId: string) =>
    env.bus.query(
      FLEET_REMOVE_WORKER,
      { commandId: randomUUID(), instanceId, reason: 'manual: Destroy' },
      { timeoutMs: 10000 },
    );

  it('should cancel the launch, leave no process for it, lower the desired size and refuse a second Destroy', async () => {
    const [first] = await env.waitForPool(1);
    await env.bus.command(FLEET_GROW, { count: 1, reason: 'manual: New one' });
    const pending = await waitFor(
      async () => (await env.list()).workers.find((w) => w.state === 'pending' && w.id),
      { timeoutMs: 30000, intervalMs: 100, what: 'the new worker listed as pending' },
    );
    const pid = await env.pidOf(pending.id);
    expect(isAlive(pid)).toBe(true);

    const reply = await remove(pending.id);
    expect(reply).toMatchObject({ instanceId: pending.id, action: 'cancelled' });
    expect((await env.list()).desired).toBe(1);

    // Destroy again while it is still starting: refused, with the reason.
    const again = await remove(pending.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(again).toBeInstanceOf(RemoteError);
    expect(again).toMatchObject({ code: 'conflict' });
    expect((again as RemoteError).message).toContain('already draining');

    await waitFor(() => !isAlive(pid), {
      timeoutMs: SLOW_START_MS + 30000,
      what: `the cancelled worker's process ${pid} to end`,
    });
    const after = await env.waitForPool(1);
    expect(after.map((w: WorkerView) => w.id)).toEqual([first.id]);
    expect(await env.workerProcesses()).toHaveLength(1);
    // The adapter removes the state file once it has seen the process end: a moment later.
    await waitFor(
      async () => JSON.stringify(await env.stateFiles()) === JSON.stringify([first.id]),
      { timeoutMs: 15000, what: "only the first worker's state file left" },
    );
    // Never registered with the balancer, never announced running.
    const listed = await fetch(`${env.balancer.adminUrl}/targets`, {
      headers: BALANCER_ADMIN_AUTH,
    });
    const targets = (await listed.json()) as {
      id: string;
    }[];
    expect(targets.map((t) => t.id)).toEqual([first.id]);
    expect(env.stateEvents(pending.id).map((e) => e.state)).not.toContain('running');
    expect(env.stateEvents(pending.id).at(-1)?.state).toBe('terminated');
    // The pool stays at one: no replacement is launched for the cancelled worker.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await env.list()).workers.map((w) => w.id)).toEqual([first.id]);
  });
});
