import { Logger } from '@nestjs/common';
import { FleetHarness, TEST_SETTINGS } from '../testing/fleet.harness';

const GRACE = TEST_SETTINGS.unhealthyGraceMs;
const DRAIN_TIMEOUT = TEST_SETTINGS.drainTimeoutMs;

describe('Reconciler', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  describe('convergence', () => {
    it('should launch the missing workers and register each with the load balancer', async () => {
      const h = new FleetHarness();
      await h.setDesired(3);

      await h.pass();

      const ids = await h.ids('running');
      expect(ids).toHaveLength(3);
      expect(
        h.compute
          .running()
          .map((i) => i.id)
          .sort(),
      ).toEqual([...ids].sort());
      expect(h.lb.ids().sort()).toEqual([...ids].sort());
      for (const id of ids) {
        // Registered only once the launch answered (the worker runs).
        expect(h.log.indexOf('register', id)).toBeGreaterThan(-1);
      }
    });

    it('should launch nothing more once the pool has its desired size', async () => {
      const h = await FleetHarness.started(3);

      await h.pass();
      await h.pass();

      expect(h.log.count('launch')).toBe(0);
      expect(h.log.count('terminate')).toBe(0);
      expect(await h.ids()).toHaveLength(3);
    });

    it('should count launches in flight, so a pass during a slow launch launches nothing more', async () => {
      const h = new FleetHarness();
      h.compute.holdLaunches = true;
      await h.setDesired(2);

      await h.reconciler.reconcileOnce();
      await h.reconciler.reconcileOnce();
      await h.reconciler.reconcileOnce();

      expect(h.log.count('launch')).toBe(2);
      expect(h.reconciler.launchesInFlight).toBe(2);
      h.compute.releaseLaunches();
      await h.reconciler.settle();
      await h.pass();
      expect(h.log.count('launch')).toBe(2);
      expect(await h.ids('running')).toHaveLength(2);
    });

    it('should show instances the provider lists during a launch as pending, without adopting them', async () => {
      const h = new FleetHarness();
      h.compute.holdLaunches = true;
      await h.setDesired(1);
      await h.reconciler.reconcileOnce();
      // The provider lists the starting worker; the launch has not answered yet.
      await h.reconciler.reconcileOnce();

      const snapshot = h.events.snapshots.at(-1)!;
      expect(snapshot.workers).toEqual([
        expect.objectContaining({ state: 'pending', health: 'initial' }),
      ]);
      expect(await h.live()).toHaveLength(0);

      h.compute.releaseLaunches();
      await h.reconciler.settle();
      await h.pass();
      expect(await h.ids('running')).toEqual([snapshot.workers[0].id]);
      expect(h.log.count('launch')).toBe(1);
    });

    it('should publish a snapshot after every pass', async () => {
      const h = await FleetHarness.started(2);
      const before = h.events.snapshots.length;

      await h.pass();

      expect(h.events.snapshots).toHaveLength(before + 1);
      const snapshot = h.events.snapshots.at(-1)!;
      expect(snapshot.desired).toBe(2);
      expect(snapshot.workers.map((w) => [w.state, w.health])).toEqual([
        ['running', 'healthy'],
        ['running', 'healthy'],
      ]);
    });

    it('should announce a launched worker with the cause that asked for it', async () => {
      const h = new FleetHarness();
      const commandId = '0b7f3e4a-61a5-4c59-9a52-3f5cbb2c1d01';
      await h.pool.grow({ commandId, count: 1, reason: 'manual: New one' });

      await h.pass();

      const [id] = await h.ids();
      expect(h.events.statesOf(id)).toEqual([
        `running/initial: launched for command ${commandId}: grow by 1 (manual: New one)`,
      ]);
    });
  });

  describe('replacement', () => {
    it('should replace a worker whose process exited, and deregister the dead one', async () => {
      const h = await FleetHarness.started(3);
      const [dead] = await h.ids();

      h.compute.kill(dead);
      await h.pass();

      const record = h.store.all().find((r) => r.instanceId === dead)!;
      expect(record.state).toBe('terminated');
      expect(h.events.statesOf(dead).at(-1)).toBe(
        'terminated/healthy: replaced: process exited (compute reports it terminated)',
      );
      expect(h.log.of(dead)).toEqual(['deregister']);
      const ids = await h.ids('running');
      expect(ids).toHaveLength(3);
      expect(ids).not.toContain(dead);
      const replacement = ids.find(
        (id) => !h.lb.ids().includes(id) || h.lb.health(id) === 'initial',
      );
      expect(h.events.statesOf(replacement!)).toEqual([`running/initial: replacement for ${dead}`]);
    });

    it('should wait for a second pass before declaring dead a worker the provider merely stops listing', async () => {
      const h = await FleetHarness.started(2);
      const [missing] = await h.ids();

      h.compute.vanish(missing);
      await h.pass();
      // EC2 lists are eventually consistent: one miss is not a death.
      expect(await h.ids('running')).toContain(missing);
      expect(h.log.count('launch')).toBe(0);

      await h.pass();
      expect(await h.ids()).not.toContain(missing);
      expect(await h.ids('running')).toHaveLength(2);
      expect(h.log.count('launch')).toBe(1);
    });

    it('should replace a worker unhealthy for longer than the grace period, not before', async () => {
      const h = await FleetHarness.started(2);
      const [sick, well] = await h.ids();
      h.lb.setHealth(sick, 'unhealthy');

      await h.pass();
      h.advance(GRACE);
      await h.pass();
      // Exactly the grace period: still within it.
      expect(await h.ids('running')).toEqual([sick, well]);

      h.advance(1000);
      await h.pass();

      const sickRecord = (await h.live()).find((r) => r.instanceId === sick);
      expect(sickRecord?.state ?? 'terminated').not.toBe('running');
      expect(h.events.statesOf(sick)).toContain(
        'draining/unhealthy: replaced: unhealthy for more than 60 s',
      );
      expect(h.log.of(sick)[0]).toBe('deregister');
      const running = await h.ids('running');
      expect(running).toHaveLength(2);
      expect(running).toContain(well);
      expect(running).not.toContain(sick);
    });

    it('should forgive a worker that recovers within the grace period', async () => {
      const h = await FleetHarness.started(1);
      const [id] = await h.ids();
      h.lb.setHealth(id, 'unhealthy');
      await h.pass();
      h.advance(GRACE - 1000);
      h.lb.setHealth(id, 'healthy');
      await h.pass();
      h.lb.setHealth(id, 'unhealthy');
      await h.pass();

      // Unhealthy again, but the streak restarted: 2 s of unhealthiness, not 61 s.
      h.advance(2000);
      await h.pass();

      expect(await h.ids('running')).toEqual([id]);
      expect(h.log.count('deregister')).toBe(0);
    });

    it('should replace a worker that never became healthy within the grace period of its launch', async () => {
      const h = new FleetHarness();
      await h.setDesired(1);
      await h.pass();
      const [slow] = await h.ids();

      h.advance(GRACE + 1000);
      await h.pass();

      expect(h.events.statesOf(slow)).toContain(
        'draining/initial: replaced: never became healthy within 60 s of its launch',
      );
      const running = await h.ids('running');
      expect(running).toHaveLength(1);
      expect(running).not.toContain(slow);
    });

    it('should register again the running workers a restarted load balancer forgot', async () => {
      const h = await FleetHarness.started(2);
      const ids = await h.ids();

      h.lb.restart();
      await h.pass();

      expect(h.lb.ids().sort()).toEqual([...ids].sort());
      expect(h.log.count('register')).toBe(2);
      expect(h.log.count('launch')).toBe(0);
      for (const id of ids) {
        expect(h.events.statesOf(id).at(-1)).toBe(
          'running/initial: re-registered: the load balancer did not list it',
        );
      }
    });

    it('should keep handling deaths while the load balancer cannot be asked', async () => {
      const h = await FleetHarness.started(2);
      const [dead, alive] = await h.ids();
      h.lb.describeError = new Error('connect ECONNREFUSED 127.0.0.1:8081');

      h.compute.kill(dead);
      await h.pass();

      expect(await h.ids()).not.toContain(dead);
      expect(await h.ids('running')).toContain(alive);
      expect(await h.ids('running')).toHaveLength(2);
    });

    it('should replace nobody for health while the load balancer cannot be asked', async () => {
      const h = await FleetHarness.started(1);
      const [id] = await h.ids();
      h.lb.setHealth(id, 'unhealthy');
      await h.pass();
      h.lb.describeError = new Error('connect ECONNREFUSED 127.0.0.1:8081');

      h.advance(GRACE + 1000);
      await h.pass();

      expect(await h.ids('running')).toEqual([id]);
      expect(h.log.calls).toEqual([]);
    });

    it('should give adopted workers the grace period from their adoption', async () => {
      const h = new FleetHarness();
      await h.setDesired(1);
      // Launched long ago by a previous fleet; the balancer restarted too and knows nothing.
      h.compute.add('i-0000000000000aaa1', new Date(h.now.getTime() - 3600000));

      await h.pass();
      h.advance(GRACE - 1000);
      await h.pass();
      expect(await h.ids('running')).toEqual(['i-0000000000000aaa1']);

      h.advance(2000);
      await h.pass();
      expect(await h.ids('running')).not.toContain('i-0000000000000aaa1');
    });

    it('should do nothing while the provider cannot list the workers', async () => {
      const h = await FleetHarness.started(2);
      h.compute.describeError = new Error('RequestLimitExceeded');

      await h.pass();

      expect(h.log.calls).toEqual([]);
      expect(await h.ids('running')).toHaveLength(2);
    });
  });

  describe('draining', () => {
    it('should deregister, wait until the load balancer lets the worker go, then terminate it', async () => {
      const h = await FleetHarness.started(2);
      const [, newest] = await h.ids();
      h.lb.setInFlight(newest, 1);

      await h.setDesired(1);
      await h.pass();
      await h.pass();

      // Still serving a request: deregistered, not terminated.
      expect(h.log.of(newest)).toEqual(['deregister']);
      expect(await h.ids('draining')).toEqual([newest]);

      h.lb.finishDrain(newest);
      await h.pass();

      expect(h.log.of(newest)).toEqual(['deregister', 'terminate']);
      expect(await h.ids()).not.toContain(newest);
      expect(h.events.statesOf(newest).slice(-3)).toEqual([
        'draining/healthy: drained: shrink to 1 by manual',
        'draining/draining: health draining',
        'terminated/draining: terminated after draining: drained: shrink to 1 by manual',
      ]);
    });

    it('should terminate a worker still draining after the drain timeout', async () => {
      const h = await FleetHarness.started(1);
      const [id] = await h.ids();
      h.lb.setInFlight(id, 3);

      await h.setDesired(0);
      await h.pass();
      h.advance(DRAIN_TIMEOUT - 1000);
      await h.pass();
      expect(h.log.of(id)).toEqual(['deregister']);

      h.advance(1000);
      await h.pass();

      expect(h.log.of(id)).toEqual(['deregister', 'terminate']);
      expect(h.events.statesOf(id).at(-1)).toBe(
        'terminated/draining: terminated after the drain timeout (60 s): drained: shrink to 0 by manual',
      );
    });

    it('should drain the unhealthiest first, then the newest', async () => {
      const h = await FleetHarness.started(4);
      const [oldest, second, third, newest] = await h.ids();
      h.lb.setHealth(second, 'unhealthy');
      await h.pass();

      await h.setDesired(2, 'scaler', 'cpu 4.7%');
      await h.pass();

      expect(
        h.log.calls
          .filter(([m]) => m === 'deregister')
          .map(([, id]) => id)
          .sort(),
      ).toEqual([second, newest].sort());
      expect((await h.ids('running')).sort()).toEqual([oldest, third].sort());
      expect(h.events.statesOf(newest)).toContain(
        'draining/healthy: drained: shrink to 2 by scaler (cpu 4.7%)',
      );
    });

    it('should not drain a running worker for the surplus of launches still in flight', async () => {
      const h = await FleetHarness.started(2);
      h.compute.holdLaunches = true;
      await h.setDesired(3);
      await h.reconciler.reconcileOnce();

      await h.setDesired(2);
      await h.reconciler.reconcileOnce();
      // The two running workers stay; the launch in flight cannot be called back.
      expect(h.log.count('deregister')).toBe(0);

      h.compute.releaseLaunches();
      await h.reconciler.settle();
      await h.pass();
      await h.pass();
      const [launched] = h.log.calls.filter(([m]) => m === 'register').map(([, id]) => id);
      // Once it runs, it is the newest and the least proven: it goes.
      expect(h.log.of(launched)).toEqual(['register', 'deregister', 'terminate']);
      expect(await h.ids('running')).toHaveLength(2);
    });

    it('should deregister a draining worker again when the deregistration was lost', async () => {
      const h = await FleetHarness.started(1);
      const [id] = await h.ids();
      h.lb.setInFlight(id, 1);
      await h.setDesired(0);
      await h.pass();
      // The balancer restarted and the worker was registered again by hand.
      h.lb.restart();
      await h.lb.register({ id, address: '127.0.0.1:1' });
      h.lb.setInFlight(id, 1);
      h.log.clear();

      await h.pass();

      expect(h.log.of(id)).toEqual(['deregister']);
    });

    it('should deregister targets of workers the fleet does not run', async () => {
      const h = await FleetHarness.started(1);
      await h.lb.register({ id: 'i-00000000000000fff', address: '127.0.0.1:9' });
      h.log.clear();

      await h.pass();

      expect(h.log.calls).toEqual([['deregister', 'i-00000000000000fff']]);
    });
  });

  describe('launch failures and restarts', () => {
    it('should back off after a failed launch, then launch again', async () => {
      const h = new FleetHarness();
      h.compute.failures.push(new Error('worker exited (code 1) before it was healthy'));
      await h.setDesired(1);

      await h.pass();
      expect(h.store.all()[0]).toMatchObject({
        state: 'terminated',
        lastError: 'launch failed: worker exited (code 1) before it was healthy',
      });
      await h.pass();
      expect(h.log.count('launch')).toBe(1);

      h.advance(TEST_SETTINGS.launchRetryMs);
      await h.pass();

      expect(h.log.count('launch')).toBe(2);
      expect(await h.ids('running')).toHaveLength(1);
    });

    it('should resume an interrupted launch with the same client token after a restart', async () => {
      const first = new FleetHarness({ ...TEST_SETTINGS, shutdownWaitMs: 0 });
      first.compute.holdLaunches = true;
      await first.setDesired(2);
      await first.reconciler.reconcileOnce();
      const tokens = first.log.calls.filter(([m]) => m === 'launch').map(([, t]) => t);
      expect(tokens).toHaveLength(2);

      // The fleet process stops here: its launches' answers are lost, the workers start anyway.
      await first.reconciler.stop();
      first.compute.releaseLaunches();
      await first.reconciler.settle();
      const second = new FleetHarness(TEST_SETTINGS, first);
      second.now = first.now;
      await second.pass();
      await second.pass();

      const relaunched = first.log.calls.filter(([m]) => m === 'launch').map(([, t]) => t);
      expect(relaunched.slice(2).sort()).toEqual([...tokens].sort());
      expect(first.compute.running()).toHaveLength(2);
      expect(await second.ids('running')).toHaveLength(2);
    });

    it('should adopt running workers it has no record of instead of launching more', async () => {
      const h = new FleetHarness();
      await h.setDesired(2);
      h.compute.add('i-0000000000000aaa1');
      h.compute.add('i-0000000000000aaa2');

      await h.pass();

      expect((await h.ids('running')).sort()).toEqual([
        'i-0000000000000aaa1',
        'i-0000000000000aaa2',
      ]);
      expect(h.log.count('launch')).toBe(0);
      expect(h.lb.ids().sort()).toEqual(['i-0000000000000aaa1', 'i-0000000000000aaa2']);
      expect(h.events.statesOf('i-0000000000000aaa1')).toEqual([
        'running/initial: adopted: running without a record',
      ]);
    });

    it('should terminate again a worker it terminated that still runs', async () => {
      const h = await FleetHarness.started(1);
      const [id] = await h.ids();
      await h.setDesired(0);
      await h.pass();
      await h.pass();
      expect(h.log.of(id)).toEqual(['deregister', 'terminate']);
      // The termination did not take (a failed signal, an EC2 hiccup): the worker is back.
      h.compute.add(id);

      await h.pass();

      expect(h.log.of(id)).toEqual(['deregister', 'terminate', 'terminate']);
      expect(await h.live()).toHaveLength(0);
    });

    it('should record a resumed launch whose worker died meanwhile as terminated and replace it', async () => {
      const first = new FleetHarness();
      first.compute.holdLaunches = true;
      await first.setDesired(1);
      await first.reconciler.reconcileOnce();
      first.compute.releaseLaunches();
      await first.reconciler.settle();
      const [id] = first.compute.running().map((i) => i.id);
      // Forget the answer (as if the process died before recording it), then the worker dies.
      const record = first.store.all()[0];
      await first.store.update({
        ...record,
        instanceId: null,
        state: 'pending',
        health: 'initial',
      });
      first.compute.kill(id);
      await first.compute.describe();

      const second = new FleetHarness(TEST_SETTINGS, first);
      await second.pass();
      await second.pass();

      expect(first.store.all().find((r) => r.instanceId === id)?.state).toBe('terminated');
      expect(await second.ids('running')).toHaveLength(1);
      expect(await second.ids('running')).not.toContain(id);
    });
  });

  describe('loop', () => {
    it('should never run two passes at once', async () => {
      const h = await FleetHarness.started(1);
      let concurrent = 0;
      let maxConcurrent = 0;
      const describe = h.compute.describe.bind(h.compute);
      h.compute.describe = async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setImmediate(r));
        concurrent--;
        return describe();
      };

      await Promise.all([
        h.reconciler.reconcileOnce(),
        h.reconciler.reconcileOnce(),
        h.reconciler.reconcileOnce(),
      ]);

      expect(maxConcurrent).toBe(1);
    });

    it('should run passes by itself once started and stop cleanly', async () => {
      const h = new FleetHarness({ ...TEST_SETTINGS, intervalMs: 10 });
      await h.setDesired(1);

      h.reconciler.start();
      const deadline = Date.now() + 5000;
      while (h.events.snapshots.length < 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await h.reconciler.stop();
      const after = h.events.snapshots.length;
      await new Promise((r) => setTimeout(r, 30));

      expect(after).toBeGreaterThanOrEqual(3);
      expect(h.events.snapshots.length).toBe(after);
      expect(await h.ids('running')).toHaveLength(1);
    });
  });
});
