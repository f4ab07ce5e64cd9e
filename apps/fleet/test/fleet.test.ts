import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { FLEET_GROW, FLEET_SET_DESIRED, FLEET_TERMINATE } from '@app/contracts';
import { BALANCER_ADMIN_AUTH, isAlive, waitFor } from '@app/testing';
import { createConnection } from 'mysql2/promise';
import { FleetEnvironment } from './support/fleet-environment';

/** instanceOf answers which worker served a request through the balancer, and how. */
async function through(url: string): Promise<{ status: number; instance: string | null }> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return { status: res.status, instance: res.headers.get('x-ebbflow-instance') };
}

/**
 * The fleet service end to end: real worker processes (the built user app) behind the real local
 * balancer, commands and queries over RabbitMQ, state in MySQL. The cases build on each other
 * (one pool, grown, terminated into, killed into, restarted), as an operator would drive it.
 */
describe('fleet service (real workers, balancer, RabbitMQ, MySQL)', () => {
  const env = new FleetEnvironment();

  beforeAll(async () => {
    await env.start();
    await env.startFleet();
  });

  afterAll(async () => {
    await env.close();
  });

  it('should start the pool at one worker and grow it to three that all answer through the balancer', async () => {
    const [first] = await env.waitForPool(1);
    expect(
      env.events.some(
        (e) => e.pattern === 'fleet.pool-changed' && e.data.cause === 'start: INITIAL_WORKERS=1',
      ),
    ).toBe(true);

    await env.bus.command(FLEET_GROW, { count: 2, reason: 'manual: New one' });
    const workers = await env.waitForPool(3);

    const ids = workers.map((w) => w.id).sort();
    expect(ids).toContain(first.id);
    expect(await env.stateFiles()).toEqual(ids);
    // Round robin over three healthy targets: nine requests reach every worker.
    const served = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const answer = await through(`${env.balancer.proxyUrl}/api/load/sleep?ms=1`);
      expect(answer.status).toBe(200);
      served.add(answer.instance!);
    }
    expect([...served].sort()).toEqual(ids);
    expect((await env.list()).loadBalancerUrl).toBe(env.balancer.proxyUrl);
  });

  it('should launch once for a grow command delivered twice', async () => {
    const before = (await env.list()).workers.map((w) => w.id);
    const commandId = randomUUID();
    const sentinel = randomUUID();

    await env.bus.command(FLEET_GROW, { commandId, count: 1 });
    await env.bus.command(FLEET_GROW, { commandId, count: 1 });
    // Commands are applied in arrival order: once the sentinel is recorded, both copies were seen.
    await env.bus.command(FLEET_SET_DESIRED, { commandId: sentinel, desired: 4, source: 'manual' });
    const db = await createConnection({ uri: env.databaseUrl });
    try {
      await waitFor(
        async () => {
          const [rows] = await db.query('SELECT 1 FROM fleet_commands WHERE command_id = ?', [
            sentinel,
          ]);
          return (rows as unknown[]).length === 1;
        },
        { what: 'the sentinel command to be handled' },
      );
      const workers = await env.waitForPool(4);

      expect(workers.filter((w) => !before.includes(w.id))).toHaveLength(1);
      const [launches] = await db.query(
        'SELECT client_token FROM fleet_instances WHERE command_id = ?',
        [commandId],
      );
      expect(launches).toEqual([{ client_token: `${commandId}:0` }]);
      expect(await env.stateFiles()).toHaveLength(4);
      expect(await env.workerProcesses()).toHaveLength(4);
    } finally {
      await db.end();
    }
  });

  it('should terminate one worker by id while requests flow, failing none of them', async () => {
    const workers = (await env.list()).workers;
    const victim = workers[workers.length - 1].id;
    const victimPid = await env.pidOf(victim);

    // Slow requests until one is in flight on the victim (round robin spreads them).
    const slow: Promise<{ status: number; instance: string | null }>[] = [];
    await waitFor(
      async () => {
        slow.push(through(`${env.balancer.proxyUrl}/api/load/sleep?ms=1500`));
        const listed = await fetch(`${env.balancer.adminUrl}/targets`, {
          headers: BALANCER_ADMIN_AUTH,
        });
        const targets = (await listed.json()) as {
          id: string;
          inFlight: number;
        }[];
        return targets.find((t) => t.id === victim)?.inFlight;
      },
      { intervalMs: 20, what: 'a slow request in flight on the victim' },
    );

    await env.bus.command(FLEET_TERMINATE, { instanceId: victim, reason: 'manual: Destroy' });
    // Fast requests keep flowing during the drain and the termination.
    const fast: { status: number; instance: string | null }[] = [];
    await waitFor(
      async () => {
        fast.push(await through(`${env.balancer.proxyUrl}/api/load/sleep?ms=1`));
        return !isAlive(victimPid);
      },
      { intervalMs: 20, timeoutMs: 30000, what: 'the victim process to end' },
    );
    const slowAnswers = await Promise.all(slow);

    expect(slowAnswers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    expect(slowAnswers.some((a) => a.instance === victim)).toBe(true);
    expect(fast.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const remaining = await env.waitForPool(3);
    expect(remaining.map((w) => w.id)).not.toContain(victim);
    expect(remaining.map((w) => w.id).sort()).toEqual(
      workers
        .map((w) => w.id)
        .filter((id) => id !== victim)
        .sort(),
    );
    expect(env.stateEvents(victim).map((e) => `${e.state}: ${e.cause}`)).toEqual(
      expect.arrayContaining([
        `draining: drained: terminate ${victim} (manual: Destroy)`,
        `terminated: terminated after draining: drained: terminate ${victim} (manual: Destroy)`,
      ]),
    );
  });

  it('should replace a worker killed with SIGKILL and get back to the desired size', async () => {
    const before = (await env.list()).workers.map((w) => w.id);
    const victim = before[0];

    process.kill(await env.pidOf(victim), 'SIGKILL');

    await waitFor(() => env.stateEvents(victim).some((e) => e.state === 'terminated'), {
      what: 'the killed worker to be marked terminated',
    });
    expect(env.stateEvents(victim).at(-1)?.cause).toMatch(/^replaced: process exited/);
    const after = await env.waitForPool(3);
    const ids = after.map((w) => w.id);
    expect(ids).not.toContain(victim);
    const [replacement] = ids.filter((id) => !before.includes(id));
    expect(env.stateEvents(replacement)[0].cause).toBe(`replacement for ${victim}`);
    expect(await env.workerProcesses()).toHaveLength(3);
  });

  it('should find exactly the same three workers after a restart of the fleet service', async () => {
    const before = (await env.waitForPool(3)).map((w) => w.id).sort();
    const pidsBefore = await env.workerProcesses();

    await env.stopFleet();
    const snapshotsBefore = env.events.filter((e) => e.pattern === 'fleet.snapshot').length;
    await env.startFleet();
    // Several reconcile passes of the new fleet process.
    await waitFor(
      () => env.events.filter((e) => e.pattern === 'fleet.snapshot').length >= snapshotsBefore + 5,
      { what: 'five snapshots from the restarted fleet' },
    );

    const after = await env.waitForPool(3);
    expect(after.map((w) => w.id).sort()).toEqual(before);
    expect(await env.workerProcesses()).toEqual(pidsBefore);
    expect(await env.stateFiles()).toEqual(before);
  });
});
