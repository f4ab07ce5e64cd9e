import { Logger } from '@nestjs/common';
import { FleetHarness, TEST_SETTINGS } from '../testing/fleet.harness';

const GRACE = TEST_SETTINGS.unhealthyGraceMs;

describe('Adoption (through the Reconciler)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  describe('strangers', () => {
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
  });

  describe('stale targets', () => {
    it('should deregister targets of workers the fleet does not run', async () => {
      const h = await FleetHarness.started(1);
      await h.lb.register({ id: 'i-00000000000000fff', address: '127.0.0.1:9' });
      h.log.clear();

      await h.pass();

      expect(h.log.calls).toEqual([['deregister', 'i-00000000000000fff']]);
    });
  });
});
