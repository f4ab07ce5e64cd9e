import { Logger } from '@nestjs/common';
import { FleetHarness, TEST_SETTINGS } from '../testing/fleet.harness';

const GRACE = TEST_SETTINGS.unhealthyGraceMs;

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

    it('should do nothing while the provider cannot list the workers', async () => {
      const h = await FleetHarness.started(2);
      h.compute.describeError = new Error('RequestLimitExceeded');

      await h.pass();

      expect(h.log.calls).toEqual([]);
      expect(await h.ids('running')).toHaveLength(2);
    });
  });
});
