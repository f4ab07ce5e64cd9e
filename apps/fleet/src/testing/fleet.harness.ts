import { randomUUID } from 'crypto';
import { PoolService } from '../commands/pool.service';
import { FleetLock } from '../reconcile/fleet.lock';
import { ReconcileSettings } from '../reconcile/reconcile.settings';
import { Reconciler } from '../reconcile/reconciler.service';
import { CallLog } from './call-log';
import { FakeCompute } from './fake-compute';
import { InMemoryFleetStore } from './fake-fleet.store';
import { FakeLoadBalancer } from './fake-load-balancer';
import { RecordingFleetEvents } from './recording-fleet.events';

/** TEST_SETTINGS: a 60 s grace and drain timeout, as in production; time is a fake clock. */
export const TEST_SETTINGS: ReconcileSettings = {
  intervalMs: 1000,
  unhealthyGraceMs: 60000,
  drainTimeoutMs: 60000,
  launchRetryMs: 5000,
  shutdownWaitMs: 1000,
};

/**
 * FleetHarness wires the reconciler and the command service to in-memory fakes of every port and
 * a clock the spec moves by hand. Passes run only when the spec asks (`pass`).
 */
export class FleetHarness {
  readonly log = new CallLog();
  now = new Date('2024-05-01T10:00:00Z');
  readonly clock = () => new Date(this.now);
  readonly compute: FakeCompute;
  readonly lb: FakeLoadBalancer;
  readonly store: InMemoryFleetStore;
  readonly events = new RecordingFleetEvents();
  readonly lock = new FleetLock();
  reconciler: Reconciler;
  readonly pool: PoolService;

  constructor(
    readonly settings: ReconcileSettings = TEST_SETTINGS,
    shared?: { compute: FakeCompute; lb: FakeLoadBalancer; store: InMemoryFleetStore },
  ) {
    this.compute = shared?.compute ?? new FakeCompute(this.log, this.clock);
    this.lb = shared?.lb ?? new FakeLoadBalancer(this.log);
    this.store = shared?.store ?? new InMemoryFleetStore();
    this.reconciler = new Reconciler(
      this.compute,
      this.lb,
      this.store,
      this.events,
      this.lock,
      settings,
      this.clock,
    );
    this.pool = new PoolService(this.store, this.events, this.lock, this.reconciler, this.clock);
  }

  /** started builds a harness whose pool has `n` healthy workers and an empty call log. */
  static async started(n: number): Promise<FleetHarness> {
    const h = new FleetHarness();
    await h.setDesired(n);
    await h.pass();
    h.lb.setHealthAll('healthy');
    await h.pass();
    h.log.clear();
    return h;
  }

  /** pass runs one reconcile pass and waits for the launches it started. */
  async pass(): Promise<void> {
    await this.reconciler.reconcileOnce();
    await this.reconciler.settle();
  }

  /** advance moves the clock forward. */
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  async setDesired(desired: number, source: 'manual' | 'scaler' = 'manual', reason?: string) {
    return this.pool.setDesired({ commandId: randomUUID(), desired, source, reason });
  }

  /** live lists the workers with an id that are not terminated, oldest first. */
  async live() {
    return (await this.store.listLive()).filter((r) => r.instanceId);
  }

  async ids(state?: string): Promise<string[]> {
    return (await this.live()).filter((r) => !state || r.state === state).map((r) => r.instanceId!);
  }
}
