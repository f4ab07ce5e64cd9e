import { Logger } from '@nestjs/common';
import { FleetHarness, TEST_SETTINGS } from '../testing/fleet.harness';

const DRAIN_TIMEOUT = TEST_SETTINGS.drainTimeoutMs;

describe('DrainService (through the Reconciler)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

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
  });
});
