import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { WorkerView } from '@app/contracts';
import { ComputeInstance, ComputePort, LoadBalancerPort, TargetStatus } from '@app/cloud';
import { DrainedWorker, DrainService } from '../drain/drain.service';
import { FleetEvents } from '../events/fleet.events';
import { InstanceChanges } from '../events/instance-changes';
import { LaunchService } from '../launch/launch.service';
import { FleetStore, InstanceRecord } from '../store/fleet.store';
import { workerView } from '../listing/worker-view';
import { Adoption } from './adoption';
import { FleetLock } from './fleet.lock';
import { ReconcileLoop } from './reconcile.loop';
import {
  chooseSurplus,
  errorMessage,
  isCancelledLaunch,
  replacementReason,
  withHealth,
} from './reconcile.rules';
import { CLOCK, Clock, RECONCILE_SETTINGS, ReconcileSettings } from './reconcile.settings';

/**
 * ABSENT_PASSES_BEFORE_DEAD: a worker the compute provider stops listing (without reporting it
 * terminated) is declared dead only after this many passes in a row, because EC2's
 * DescribeInstances is eventually consistent and may miss a fresh instance once.
 */
export const ABSENT_PASSES_BEFORE_DEAD = 2;

/** PassView is what one pass learned from the provider and the load balancer, and decided. */
interface PassView {
  now: Date;
  described: ComputeInstance[];
  describedById: Map<string, ComputeInstance>;
  /** null while the load balancer cannot be asked. */
  targets: TargetStatus[] | null;
  targetById: Map<string, TargetStatus>;
  /** Workers that died or are drained for a replacement: the causes of the next launches. */
  replacedIds: string[];
  /** Draining workers the pass terminates. */
  toTerminate: DrainedWorker[];
}

/**
 * Reconciler converges the pool to its desired size, like an Auto Scaling group: each pass (every
 * FLEET_RECONCILE_INTERVAL_MS, right after each command, never two at once) compares what the
 * fleet remembers with what the compute provider and the load balancer report, then launches what
 * is missing (`LaunchService`, which registers each with the load balancer once it runs), replaces
 * workers that died or stay unhealthy past the grace period, drains the surplus (`DrainService`:
 * deregister, wait until the load balancer lets go or the drain timeout, terminate), re-registers
 * running workers the load balancer forgot and adopts workers it has no record of (`Adoption`).
 */
@Injectable()
export class Reconciler implements OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  /** Consecutive passes each worker was missing from the compute provider's list. */
  private readonly absent = new Map<string, number>();
  private readonly loop: ReconcileLoop;
  private readonly changes: InstanceChanges;
  private readonly drain: DrainService;
  private readonly launches: LaunchService;
  private readonly adoption: Adoption;
  private closed = false;

  constructor(
    private readonly compute: ComputePort,
    private readonly loadBalancer: LoadBalancerPort,
    private readonly store: FleetStore,
    private readonly events: FleetEvents,
    private readonly lock: FleetLock,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.changes = new InstanceChanges(store, events, clock);
    this.drain = new DrainService(compute, loadBalancer, store, this.changes, settings);
    this.adoption = new Adoption(loadBalancer, store, this.changes, this.drain);
    this.launches = new LaunchService(
      compute,
      loadBalancer,
      store,
      this.changes,
      lock,
      settings,
      clock,
      {
        answered: (instanceId) => this.adoption.answered(instanceId),
        // A finished launch changes what is missing: look again right away.
        finished: () => this.requestPass(),
      },
    );
    this.loop = new ReconcileLoop(settings.intervalMs, () => this.reconcileOnce());
  }

  /** start runs a pass now and then every interval. */
  start(): void {
    if (!this.closed) this.loop.start();
  }

  /**
   * requestPass asks for a pass as soon as possible: now when idle, right after the current pass
   * otherwise (requests made during a pass are merged into one).
   */
  requestPass(): void {
    if (!this.closed) this.loop.request();
  }

  /** reconcileOnce runs one pass (after whatever holds the fleet lock) and resolves when done. */
  reconcileOnce(): Promise<void> {
    return this.lock.run(() => this.pass());
  }

  /** settle resolves once no launch is in flight (tests and shutdown). */
  settle(): Promise<void> {
    return this.launches.settle();
  }

  /** launchesInFlight counts launches handed to the provider that have not answered yet. */
  get launchesInFlight(): number {
    return this.launches.launchesInFlight;
  }

  /** launchingViews lists instances the provider shows that are probably launches in flight. */
  launchingViews(): WorkerView[] {
    return this.adoption.launchingViews();
  }

  /** launchingInstance is the instance `id` when it is listed as a launch in flight. */
  launchingInstance(id: string): ComputeInstance | undefined {
    return this.adoption.launchingInstance(id);
  }

  /** stop ends the loop, waits for the current pass and (bounded) for launches in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.lock.run(async () => undefined);
    if (this.launches.launchesInFlight) {
      this.logger.log(`waiting for ${this.launches.launchesInFlight} launch(es) in flight`);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        this.settle(),
        new Promise((r) => {
          timeout = setTimeout(r, this.settings.shutdownWaitMs);
        }),
      ]);
      clearTimeout(timeout);
    }
    this.closed = true;
    this.launches.close();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  // ---------------------------------------------------------------- one pass

  private async pass(): Promise<void> {
    if (this.closed) return;
    const now = this.clock();
    const stored = await this.store.getDesired();
    const desired = stored?.desired ?? 0;
    const desiredCause = stored?.cause ?? 'the desired size';
    const view = await this.observe(now);
    if (!view) return;

    const records = await this.store.listLive();
    for (const record of records) await this.checkWorker(record, view);
    await this.drain.terminateDrained(view.toTerminate, now);

    const strangers = await this.adoption.adoptStrangers(
      view.described,
      records,
      view.targetById,
      view.targets !== null,
      this.launches.launchesInFlight,
      now,
    );
    if (view.targets) {
      // Targets of the workers handled above were dealt with there (deregistered when gone).
      const handled = new Set([...records.map((r) => r.instanceId), ...strangers]);
      await this.adoption.deregisterStale(view.targets, handled);
    }
    await this.converge(desired, desiredCause, view.replacedIds, now);
    await this.publishSnapshot(desired, now);
  }

  /** observe asks the provider and the load balancer; null when the provider cannot answer. */
  private async observe(now: Date): Promise<PassView | null> {
    let described: ComputeInstance[];
    try {
      described = await this.compute.describe();
    } catch (error) {
      // Without the provider's view nothing can be decided safely; the next pass tries again.
      this.logger.warn(`cannot describe the workers: ${errorMessage(error)}`);
      return null;
    }
    let targets: TargetStatus[] | null;
    try {
      targets = await this.loadBalancer.describeHealth();
    } catch (error) {
      // Health-based decisions wait for the load balancer; deaths and sizes are still handled.
      this.logger.warn(`cannot read the load balancer's target health: ${errorMessage(error)}`);
      targets = null;
    }
    return {
      now,
      described,
      describedById: new Map(described.map((i) => [i.id, i])),
      targets,
      targetById: new Map((targets ?? []).map((t) => [t.id, t])),
      replacedIds: [],
      toTerminate: [],
    };
  }

  /**
   * checkWorker handles one recorded worker: gone (replaced), health changed, running (registered
   * again, or replaced when unhealthy) or draining (terminated once released or timed out).
   */
  private async checkWorker(record: InstanceRecord, view: PassView): Promise<void> {
    const id = record.instanceId;
    if (!id) return;
    const instance = view.describedById.get(id);
    if (!instance || instance.state === 'terminated' || instance.state === 'stopping') {
      if (!this.confirmedGone(id, instance)) return;
      await this.onGone(record, instance, view.targetById.has(id), view.now);
      if (record.state !== 'draining') view.replacedIds.push(id);
      return;
    }
    this.absent.delete(id);

    // A target the load balancer does not list is handled below: registered again when the
    // worker runs, terminated when it was draining.
    const target = view.targetById.get(id);
    if (target) await this.updateHealth(record, target, view.now);

    if (record.state === 'running') {
      await this.checkRunning(record, view);
    } else if (record.state === 'draining') {
      const due = await this.drain.checkDraining(record, target, view.targets, view.now);
      if (due) view.toTerminate.push(due);
    }
  }

  /** confirmedGone counts passes a worker is missing; a terminated or stopping one is gone now. */
  private confirmedGone(id: string, instance: ComputeInstance | undefined): boolean {
    if (!instance) {
      const misses = (this.absent.get(id) ?? 0) + 1;
      this.absent.set(id, misses);
      if (misses < ABSENT_PASSES_BEFORE_DEAD) return false;
    }
    this.absent.delete(id);
    return true;
  }

  /** updateHealth records the health the load balancer reports, announcing a change. */
  private async updateHealth(record: InstanceRecord, target: TargetStatus, now: Date) {
    if (target.health !== record.health) {
      const why = target.reason ? ` (${target.reason})` : '';
      await this.changes.change(
        record,
        withHealth(record, target.health, now),
        `health ${target.health}${why}`,
      );
    } else {
      Object.assign(record, withHealth(record, target.health, now));
    }
  }

  /** checkRunning registers a running worker again when lost, or replaces it when unhealthy. */
  private async checkRunning(record: InstanceRecord, view: PassView): Promise<void> {
    const id = record.instanceId!;
    if (view.targets && !view.targetById.has(id)) {
      await this.registerAgain(record, view.now);
      return;
    }
    // Health is only known from the load balancer: while it cannot be asked, nobody is
    // replaced for being unhealthy on stale information.
    const reason = view.targets
      ? replacementReason(record, view.now, this.settings.unhealthyGraceMs)
      : null;
    if (reason) {
      await this.startDrain(record, reason, view.now);
      view.replacedIds.push(id);
    }
  }

  /** onGone handles a worker the provider reports terminated, stopping or no longer lists. */
  private async onGone(
    record: InstanceRecord,
    instance: ComputeInstance | undefined,
    registered: boolean,
    now: Date,
  ): Promise<void> {
    const id = record.instanceId!;
    const how = instance ? `compute reports it ${instance.state}` : 'compute no longer lists it';
    const cause =
      record.state === 'draining'
        ? `terminated: ${record.drainCause ?? 'drained'} (${how})`
        : `replaced: process exited (${how})`;
    await this.changes.change(
      record,
      { ...record, state: 'terminated', terminatedAt: now, unhealthySince: null },
      cause,
    );
    // A dead target would stay "unhealthy" in the balancer forever; a stopped instance would
    // linger (and cost) in EC2. Both calls are no-ops when there is nothing left.
    if (registered) await this.drain.deregister(id);
    if (instance?.state === 'stopping') await this.drain.terminate(id);
  }

  private async registerAgain(record: InstanceRecord, now: Date): Promise<void> {
    const id = record.instanceId!;
    try {
      await this.loadBalancer.register({ id, address: record.address ?? '' });
      await this.changes.change(
        record,
        withHealth(record, 'initial', now),
        're-registered: the load balancer did not list it',
      );
    } catch (error) {
      this.logger.warn(`cannot register ${id} again: ${errorMessage(error)}`);
    }
  }

  /** startDrain starts a drain and asks for the next pass right away. */
  private async startDrain(record: InstanceRecord, cause: string, now: Date): Promise<void> {
    await this.drain.startDrain(record, cause, now);
    // A target with nothing in flight is let go at once: look again right away, not in a while.
    this.loop.again();
  }

  /** converge launches what is missing and drains the surplus. */
  private async converge(
    desired: number,
    desiredCause: string,
    replacedIds: string[],
    now: Date,
  ): Promise<void> {
    const all = await this.store.listLive();
    await this.launches.resumeCancelled(all, now);
    // A cancelled launch no longer counts: it is terminated as soon as it answers.
    const live = all.filter(
      (r) => (r.state === 'pending' || r.state === 'running') && !isCancelledLaunch(r),
    );
    const active = await this.launches.startRecorded(live, desired, now);
    if (active < desired) {
      await this.launches.launchMissing(desired - active, desired, replacedIds, now);
    } else if (active > desired) {
      // Launches in flight cannot be called back: they finish, then the newest go first.
      const running = live.filter((r) => r.instanceId && r.state === 'running');
      for (const record of chooseSurplus(running, running.length - desired)) {
        await this.startDrain(record, `drained: ${desiredCause}`, now);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private async publishSnapshot(desired: number, now: Date): Promise<void> {
    const live = await this.store.listLive();
    const workers = [
      ...live.filter((r) => r.instanceId).map(workerView),
      ...this.adoption.launchingViews(),
    ];
    await this.events.snapshot({ desired, workers, at: now.toISOString() });
  }
}
