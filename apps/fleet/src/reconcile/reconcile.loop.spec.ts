import { Logger } from '@nestjs/common';
import { FleetHarness, TEST_SETTINGS } from '../testing/fleet.harness';
import { ReconcileLoop } from './reconcile.loop';

describe('ReconcileLoop (through the Reconciler)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

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

  describe('requests', () => {
    // An interval of an hour: only requested passes run during these cases.
    const HOUR_MS = 3600000;

    /** gatedPasses counts passes; each waits until the spec opens its gate. */
    function gatedPasses() {
      const gates: (() => void)[] = [];
      const state = { started: 0 };
      const run = () =>
        new Promise<void>((resolve) => {
          state.started++;
          gates.push(resolve);
        });
      const openNext = async () => {
        while (!gates.length) await new Promise((r) => setImmediate(r));
        gates.shift()!();
        await new Promise((r) => setImmediate(r));
      };
      return { state, run, openNext };
    }

    it('should merge the requests made during a pass into one pass right after it', async () => {
      const passes = gatedPasses();
      const loop = new ReconcileLoop(HOUR_MS, passes.run);
      loop.start();
      loop.request();
      loop.request();
      loop.request();
      expect(passes.state.started).toBe(1);

      await passes.openNext();
      // Three requests during the first pass: one more pass, not three.
      expect(passes.state.started).toBe(2);
      await passes.openNext();
      expect(passes.state.started).toBe(2);
      await loop.stop();
    });

    it('should run one more pass when a pass asks for it (again)', async () => {
      const passes = gatedPasses();
      const loop = new ReconcileLoop(HOUR_MS, passes.run);
      loop.start();
      loop.again();
      await passes.openNext();
      expect(passes.state.started).toBe(2);
      await passes.openNext();
      await loop.stop();
      expect(passes.state.started).toBe(2);
    });

    it('should run nothing before start, nor after stop', async () => {
      const passes = gatedPasses();
      const loop = new ReconcileLoop(HOUR_MS, passes.run);
      loop.request();
      expect(passes.state.started).toBe(0);

      loop.start();
      const stopping = loop.stop();
      loop.request();
      loop.start();
      await passes.openNext();
      await stopping;

      // Only the pass start asked for: requests and starts after stop change nothing.
      expect(passes.state.started).toBe(1);
    });

    it('should keep looping after a pass that failed', async () => {
      let runs = 0;
      const loop = new ReconcileLoop(1, async () => {
        runs++;
        if (runs === 1) throw new Error('the database went away');
      });
      loop.start();
      const deadline = Date.now() + 5000;
      while (runs < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await loop.stop();

      expect(runs).toBeGreaterThanOrEqual(3);
    });
  });
});
