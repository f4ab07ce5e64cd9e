import { Logger } from '@nestjs/common';
import { FleetHarness, TEST_SETTINGS } from '../testing/fleet.harness';

describe('LaunchService (through the Reconciler)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  describe('launches', () => {
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
});
