import { Logger } from '@nestjs/common';
import { MAX_DESIRED } from '@app/contracts';
import { HandlerError } from '@app/messaging';
import { FleetHarness } from '../testing/fleet.harness';

const COMMAND = '7d3f9a52-0c1e-4b8a-9f47-2b6c1d0e5a11';
const OTHER = 'c2a81f04-5b7d-4e39-8a16-90f3e7d2b4c8';
const OTHER_2 = '5e0b7c3a-9d14-4f62-b8a7-1c3e5d7f9a20';

describe('PoolService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  describe('idempotency', () => {
    it('should apply a grow delivered twice only once, and launch once per index', async () => {
      const h = new FleetHarness();

      const first = await h.pool.grow({ commandId: COMMAND, count: 2 });
      const second = await h.pool.grow({ commandId: COMMAND, count: 2 });
      await h.pass();

      expect(first).toBe('desired 0 -> 2; 2 launch(es)');
      expect(second).toBe('duplicate: desired 0 -> 2; 2 launch(es)');
      expect((await h.store.getDesired())?.desired).toBe(2);
      // Launch tokens derive from the command id and the index: a replay cannot mint new ones.
      expect(h.log.calls.filter(([m]) => m === 'launch')).toEqual([
        ['launch', `${COMMAND}:0`],
        ['launch', `${COMMAND}:1`],
      ]);
      expect(h.events.pools).toHaveLength(1);
    });

    it('should apply a terminate delivered twice only once', async () => {
      const h = await FleetHarness.started(3);
      const [id] = await h.ids();

      await h.pool.terminate({ commandId: COMMAND, instanceId: id });
      await h.pool.terminate({ commandId: COMMAND, instanceId: id });

      expect((await h.store.getDesired())?.desired).toBe(2);
    });

    it('should apply a shrink delivered twice only once', async () => {
      const h = await FleetHarness.started(3);

      await h.pool.shrink({ commandId: COMMAND, count: 1 });
      await h.pool.shrink({ commandId: COMMAND, count: 1 });
      await h.pass();

      expect((await h.store.getDesired())?.desired).toBe(2);
      expect(h.log.count('deregister')).toBe(1);
    });

    it('should leave nothing behind when a command fails halfway', async () => {
      const h = new FleetHarness();
      const insert = h.store.insert.bind(h.store);
      let calls = 0;
      h.store.insert = async (record) => {
        if (++calls === 2) throw new Error('connection lost');
        return insert(record);
      };

      await expect(h.pool.grow({ commandId: COMMAND, count: 2 })).rejects.toThrow(
        'connection lost',
      );

      expect(await h.store.getDesired()).toBeNull();
      expect(h.store.all()).toEqual([]);
      // The retry (same command id) is not mistaken for a duplicate.
      h.store.insert = insert;
      expect(await h.pool.grow({ commandId: COMMAND, count: 2 })).toBe(
        'desired 0 -> 2; 2 launch(es)',
      );
    });
  });

  describe('desired size', () => {
    it.each([
      // [name, start, command, expected desired, expected launches recorded by the command]
      ['grow adds to the desired size', 2, { grow: 3 }, 5, 3],
      ['shrink removes from it', 5, { shrink: 2 }, 3, 0],
      ['shrink stops at 0', 2, { shrink: 5 }, 0, 0],
      [
        'grow stops at MAX_DESIRED, even for a manual command',
        MAX_DESIRED - 1,
        { grow: 5 },
        MAX_DESIRED,
        1,
      ],
      ['set-desired sets it, above the scaler policy bounds too', 1, { set: 30 }, 30, 29],
    ])('%s', async (_name, start, command, expected, launches) => {
      const h = new FleetHarness();
      await h.store.setDesired(start, 'spec', h.now);
      // No workers run yet: a grow records as many launches as the size it adds, no more.
      for (let i = 0; i < start; i++) h.compute.add(`i-00000000000000${(i + 16).toString(16)}`);
      await h.pass();

      const commandId = OTHER;
      if ('grow' in command) await h.pool.grow({ commandId, count: command.grow });
      if ('shrink' in command) await h.pool.shrink({ commandId, count: command.shrink });
      if ('set' in command)
        await h.pool.setDesired({ commandId, desired: command.set, source: 'manual' });

      expect((await h.store.getDesired())?.desired).toBe(expected);
      const recorded = h.store.all().filter((r) => r.commandId === commandId);
      expect(recorded).toHaveLength(launches);
    });

    it('should announce a change of the desired size with its cause', async () => {
      const h = await FleetHarness.started(2);

      await h.pool.setDesired({
        commandId: COMMAND,
        desired: 4,
        source: 'scaler',
        reason: 'cpu 27%',
      });

      expect(h.events.pools.at(-1)).toMatchObject({
        desired: 4,
        previous: 2,
        cause: 'grow to 4 by scaler (cpu 27%)',
        commandId: COMMAND,
      });
    });

    it('should not announce a command that changes nothing', async () => {
      const h = await FleetHarness.started(2);
      const before = h.events.pools.length;

      expect(await h.pool.setDesired({ commandId: COMMAND, desired: 2, source: 'scaler' })).toBe(
        'unchanged at 2',
      );

      expect(h.events.pools).toHaveLength(before);
    });

    it('should not record launches for a grow that only refills workers already running', async () => {
      // Desired 1 with 3 running (kept after a shrink still draining, say): growing to 3 needs none.
      const h = await FleetHarness.started(3);
      await h.store.setDesired(1, 'spec', h.now);

      await h.pool.grow({ commandId: COMMAND, count: 2 });

      expect(h.store.all().filter((r) => r.commandId === COMMAND)).toHaveLength(0);
    });
  });

  describe('terminate', () => {
    it('should drain that worker, lower the desired size by one, and terminate it once drained', async () => {
      const h = await FleetHarness.started(3);
      const [, id] = await h.ids();

      await h.pool.terminate({ commandId: COMMAND, instanceId: id, reason: 'manual: Destroy' });
      await h.pass();
      await h.pass();

      expect((await h.store.getDesired())?.desired).toBe(2);
      expect(h.log.of(id)).toEqual(['deregister', 'terminate']);
      expect(h.log.count('launch')).toBe(0);
      expect(h.events.statesOf(id)[2]).toBe(
        `draining/healthy: drained: terminate ${id} (manual: Destroy)`,
      );
      expect(await h.ids()).toHaveLength(2);
    });

    it('should ignore an unknown worker and keep the desired size', async () => {
      const h = await FleetHarness.started(2);

      const outcome = await h.pool.terminate({
        commandId: COMMAND,
        instanceId: 'i-0000000000000dead',
      });
      await h.pass();

      expect(outcome).toBe('refused (not found): no worker i-0000000000000dead in the pool');
      expect((await h.store.getDesired())?.desired).toBe(2);
      expect(h.log.calls).toEqual([]);
    });

    it('should not lower the desired size twice for a worker already draining', async () => {
      const h = await FleetHarness.started(3);
      const [id] = await h.ids();

      await h.pool.terminate({ commandId: COMMAND, instanceId: id });
      const outcome = await h.pool.terminate({ commandId: OTHER, instanceId: id });

      expect(outcome).toBe(`refused (conflict): ${id} is already draining`);
      expect((await h.store.getDesired())?.desired).toBe(2);
    });
  });

  describe('removeWorker (Destroy with a verdict)', () => {
    /** pendingOne: one healthy worker and a second whose launch is in flight (listed pending). */
    async function pendingOne(): Promise<{ h: FleetHarness; running: string; pending: string }> {
      const h = await FleetHarness.started(1);
      const [running] = await h.ids();
      h.compute.holdLaunches = true;
      await h.pool.grow({ commandId: OTHER, count: 1 });
      // A second pass sees the starting instance the launch has not answered yet.
      await h.reconciler.reconcileOnce();
      await h.reconciler.reconcileOnce();
      const pending = h.reconciler.launchingViews()[0]?.id;
      expect(pending).toMatch(/^i-/);
      h.log.clear();
      return { h, running, pending };
    }

    async function refusal(p: Promise<unknown>): Promise<HandlerError> {
      const error = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HandlerError);
      return error as HandlerError;
    }

    it('should drain a running worker, lower the desired size and answer "draining"', async () => {
      const h = await FleetHarness.started(2);
      const [id] = await h.ids();

      const reply = await h.pool.removeWorker({ commandId: COMMAND, instanceId: id });
      await h.pass();
      await h.pass();

      expect(reply).toMatchObject({ commandId: COMMAND, instanceId: id, action: 'draining' });
      expect((await h.store.getDesired())?.desired).toBe(1);
      expect(h.log.of(id)).toEqual(['deregister', 'terminate']);
    });

    it('should cancel the launch of a pending worker: terminated once it starts, never registered, desired lowered', async () => {
      const { h, running, pending } = await pendingOne();

      const reply = await h.pool.removeWorker({
        commandId: COMMAND,
        instanceId: pending,
        reason: 'manual: Destroy',
      });
      await h.reconciler.reconcileOnce();
      // While its launch is in flight the worker shows as draining, and nothing else is drained
      // to make up for the lower desired size.
      expect(h.reconciler.launchingViews()).toEqual([
        expect.objectContaining({ id: pending, state: 'draining' }),
      ]);
      expect(h.log.count('deregister')).toBe(0);
      h.compute.releaseLaunches();
      await h.reconciler.settle();
      await h.pass();
      await h.pass();

      expect(reply).toMatchObject({ instanceId: pending, action: 'cancelled' });
      expect((await h.store.getDesired())?.desired).toBe(1);
      expect(h.log.of(pending)).toEqual(['terminate']);
      expect(h.compute.running().map((i) => i.id)).toEqual([running]);
      expect(await h.ids()).toEqual([running]);
      expect(h.log.count('launch')).toBe(0);
      expect(h.events.statesOf(pending).at(-1)).toMatch(
        /^terminated\/initial: terminated when its launch answered: cancelled: terminate .* \(manual: Destroy\)$/,
      );
    });

    it.each([
      ['a worker already draining', 'running'],
      ['a pending worker whose launch is already cancelled', 'pending'],
    ] as const)('should refuse %s with a conflict and change nothing', async (_name, which) => {
      const { h, running, pending } = await pendingOne();
      const id = which === 'running' ? running : pending;
      await h.pool.removeWorker({ commandId: COMMAND, instanceId: id });
      const desired = (await h.store.getDesired())?.desired;

      const error = await refusal(h.pool.removeWorker({ commandId: OTHER_2, instanceId: id }));

      expect(error.code).toBe('conflict');
      expect(error.message).toContain(`${id} is already draining`);
      expect((await h.store.getDesired())?.desired).toBe(desired);
      h.compute.releaseLaunches();
      await h.reconciler.settle();
    });

    it('should answer not-found for a worker not in the pool and keep the desired size', async () => {
      const h = await FleetHarness.started(2);

      const error = await refusal(
        h.pool.removeWorker({ commandId: COMMAND, instanceId: 'i-0000000000000dead' }),
      );

      expect(error.code).toBe('not-found');
      expect(error.message).toBe('no worker i-0000000000000dead in the pool');
      expect((await h.store.getDesired())?.desired).toBe(2);
    });

    it('should answer a repeated commandId with the first verdict and apply it once', async () => {
      const h = await FleetHarness.started(3);
      const [id] = await h.ids();

      const first = await h.pool.removeWorker({ commandId: COMMAND, instanceId: id });
      const second = await h.pool.removeWorker({ commandId: COMMAND, instanceId: id });

      expect(second.action).toBe(first.action);
      expect((await h.store.getDesired())?.desired).toBe(2);
    });
  });

  describe('terminate-all', () => {
    it('should drain and terminate every worker and set the desired size to 0', async () => {
      const h = await FleetHarness.started(3);
      const ids = await h.ids();

      await h.pool.terminateAll({ commandId: COMMAND, reason: 'shutdown' });
      await h.pass();
      await h.pass();

      expect((await h.store.getDesired())?.desired).toBe(0);
      for (const id of ids) expect(h.log.of(id)).toEqual(['deregister', 'terminate']);
      expect(h.compute.running()).toEqual([]);
      expect(await h.live()).toEqual([]);
      expect(h.events.pools.at(-1)).toMatchObject({
        desired: 0,
        previous: 3,
        cause: 'terminate all (shutdown)',
      });
    });

    it('should cancel launches recorded but not started yet', async () => {
      const h = new FleetHarness();
      await h.pool.grow({ commandId: COMMAND, count: 2 });

      await h.pool.terminateAll({ commandId: OTHER });
      await h.pass();

      expect(h.log.count('launch')).toBe(0);
      expect(await h.store.listLive()).toEqual([]);
    });

    it('should drain launches that were in flight once they run', async () => {
      const h = new FleetHarness();
      h.compute.holdLaunches = true;
      await h.pool.grow({ commandId: COMMAND, count: 2 });
      await h.reconciler.reconcileOnce();

      await h.pool.terminateAll({ commandId: OTHER });
      h.compute.releaseLaunches();
      await h.reconciler.settle();
      await h.pass();
      await h.pass();

      expect(h.log.count('launch')).toBe(2);
      expect(h.log.count('terminate')).toBe(2);
      expect(h.compute.running()).toEqual([]);
    });
  });
});
