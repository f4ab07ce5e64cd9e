import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { WorkerView } from '@app/contracts';
import { ComputeInstance, ComputePort, LoadBalancerPort, TargetStatus } from '@app/cloud';
import { DrainedWorker, DrainService } from '../drain/drain.service';
import { FleetEvents } from '../events/fleet.events';
import { InstanceChanges } from '../events/instance-changes';
import { FleetStore, InstanceRecord, newLaunchRecord } from '../store/fleet.store';
import { FleetLock } from './fleet.lock';
import {
  chooseSurplus,
  errorMessage,
  isCancelledLaunch,
  replacementReason,
  withHealth,
} from './reconcile.rules';
import {
  CLOCK,
  Clock,
  LAUNCH_RETRY_MAX_MS,
  RECONCILE_SETTINGS,
  ReconcileSettings,
} from './reconcile.settings';

/**
 * ABSENT_PASSES_BEFORE_DEAD: a worker the compute provider stops listing (without reporting it
 * terminated) is declared dead only after this many passes in a row, because EC2's
 * DescribeInstances is eventually consistent and may miss a fresh instance once.
 */
export const ABSENT_PASSES_BEFORE_DEAD = 2;

/** workerView turns a record into the contract's view of a worker. */
export function workerView(record: InstanceRecord): WorkerView {
  return {
    id: record.instanceId!,
    state: record.state,
    health: record.health,
    address: record.address,
    launchedAt: (record.launchedAt ?? record.requestedAt).toISOString(),
  };
}

/**
 * Reconciler converges the pool to its desired size, like an Auto Scaling group: each pass (every
 * FLEET_RECONCILE_INTERVAL_MS, right after each command, never two at once) compares what the
 * fleet remembers with what the compute provider and the load balancer report, then launches what
 * is missing (registering each with the load balancer once it runs), replaces workers that died or
 * stay unhealthy past the grace period, drains the surplus (deregister, wait until the load
 * balancer lets go or the drain timeout, terminate) and re-registers running workers the load
 * balancer forgot. Launches run in the background, each with a client token recorded before the
 * provider is called, so a crash never launches twice.
 */
@Injectable()
export class Reconciler implements OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Consecutive passes each worker was missing from the compute provider's list. */
  private readonly absent = new Map<string, number>();
  /** Instances the provider lists that are probably launches still in flight (shown as pending). */
  private launching: ComputeInstance[] = [];
  /** Client tokens of launches in flight whose worker was removed (shown as draining). */
  private cancelledTokens = new Set<string>();
  private launchFailures = 0;
  private launchRetryAt = 0;
  private timer?: NodeJS.Timeout;
  private passing = false;
  private passAgain = false;
  private running = false;
  private closed = false;
  private currentPass: Promise<void> = Promise.resolve();
  private readonly changes: InstanceChanges;
  private readonly drain: DrainService;

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
  }

  /** start runs a pass now and then every interval. */
  start(): void {
    if (this.closed) return;
    this.running = true;
    this.requestPass();
  }

  /**
   * requestPass asks for a pass as soon as possible: now when idle, right after the current pass
   * otherwise (requests made during a pass are merged into one).
   */
  requestPass(): void {
    if (!this.running || this.closed) return;
    if (this.passing) {
      this.passAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.passing = true;
    this.currentPass = this.reconcileOnce()
      .catch((error) => this.logger.error(`reconcile pass failed: ${errorMessage(error)}`))
      .finally(() => {
        this.passing = false;
        if (this.passAgain) {
          this.passAgain = false;
          this.requestPass();
        } else if (this.running && !this.closed) {
          this.timer = setTimeout(() => this.requestPass(), this.settings.intervalMs);
        }
      });
  }

  /** reconcileOnce runs one pass (after whatever holds the fleet lock) and resolves when done. */
  reconcileOnce(): Promise<void> {
    return this.lock.run(() => this.pass());
  }

  /** settle resolves once no launch is in flight (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** launchesInFlight counts launches handed to the provider that have not answered yet. */
  get launchesInFlight(): number {
    return this.inFlight.size;
  }

  /** launchingViews lists instances the provider shows that are probably launches in flight. */
  launchingViews(): WorkerView[] {
    return this.launching.map((i) => ({
      id: i.id,
      state: i.clientToken && this.cancelledTokens.has(i.clientToken) ? 'draining' : 'pending',
      health: 'initial',
      address: i.address,
      launchedAt: i.launchedAt.toISOString(),
    }));
  }

  /** launchingInstance is the instance `id` when it is listed as a launch in flight. */
  launchingInstance(id: string): ComputeInstance | undefined {
    return this.launching.find((i) => i.id === id);
  }

  /** stop ends the loop, waits for the current pass and (bounded) for launches in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.currentPass;
    await this.lock.run(async () => undefined);
    if (this.inFlight.size) {
      this.logger.log(`waiting for ${this.inFlight.size} launch(es) in flight`);
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

    let described: ComputeInstance[];
    try {
      described = await this.compute.describe();
    } catch (error) {
      // Without the provider's view nothing can be decided safely; the next pass tries again.
      this.logger.warn(`cannot describe the workers: ${errorMessage(error)}`);
      return;
    }
    let targets: TargetStatus[] | null;
    try {
      targets = await this.loadBalancer.describeHealth();
    } catch (error) {
      // Health-based decisions wait for the load balancer; deaths and sizes are still handled.
      this.logger.warn(`cannot read the load balancer's target health: ${errorMessage(error)}`);
      targets = null;
    }
    const describedById = new Map(described.map((i) => [i.id, i]));
    const targetById = new Map((targets ?? []).map((t) => [t.id, t]));

    const records = await this.store.listLive();
    const replacedIds: string[] = [];
    const toTerminate: DrainedWorker[] = [];

    for (const record of records) {
      const id = record.instanceId;
      if (!id) continue;
      const instance = describedById.get(id);
      if (!instance || instance.state === 'terminated' || instance.state === 'stopping') {
        if (!instance) {
          const misses = (this.absent.get(id) ?? 0) + 1;
          this.absent.set(id, misses);
          if (misses < ABSENT_PASSES_BEFORE_DEAD) continue;
        }
        this.absent.delete(id);
        await this.onGone(record, instance, targetById.has(id), now);
        if (record.state !== 'draining') replacedIds.push(id);
        continue;
      }
      this.absent.delete(id);

      // A target the load balancer does not list is handled below: registered again when the
      // worker runs, terminated when it was draining.
      const target = targetById.get(id);
      if (target) {
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

      if (record.state === 'running') {
        if (targets && !targetById.has(id)) {
          await this.registerAgain(record, now);
          continue;
        }
        // Health is only known from the load balancer: while it cannot be asked, nobody is
        // replaced for being unhealthy on stale information.
        const reason = targets
          ? replacementReason(record, now, this.settings.unhealthyGraceMs)
          : null;
        if (reason) {
          await this.startDrain(record, reason, now);
          replacedIds.push(id);
        }
      } else if (record.state === 'draining') {
        const due = await this.drain.checkDraining(record, target, targets, now);
        if (due) toTerminate.push(due);
      }
    }

    await this.drain.terminateDrained(toTerminate, now);
    const strangers = await this.adoptStrangers(
      described,
      records,
      targetById,
      targets !== null,
      now,
    );
    if (targets) {
      // Targets of the workers handled above were dealt with there (deregistered when gone).
      const handled = new Set([...records.map((r) => r.instanceId), ...strangers]);
      await this.deregisterStale(targets, handled);
    }
    await this.converge(desired, desiredCause, replacedIds, now);
    await this.publishSnapshot(desired, now);
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
    this.passAgain = true;
  }

  /**
   * adoptStrangers looks at instances the provider runs that the fleet has no live record of:
   * those it terminated before are terminated again (no orphan survives a failed termination);
   * the others are adopted when no launch is in flight (a fleet that lost its database, or a
   * launch whose answer was lost); while launches are in flight they may be those launches, so
   * they wait and are shown as pending. Returns the ids left waiting.
   */
  private async adoptStrangers(
    described: ComputeInstance[],
    records: InstanceRecord[],
    targetById: Map<string, TargetStatus>,
    targetsKnown: boolean,
    now: Date,
  ): Promise<Set<string>> {
    const liveIds = new Set(records.map((r) => r.instanceId).filter((id): id is string => !!id));
    const candidates = described.filter(
      (i) => (i.state === 'pending' || i.state === 'running') && !liveIds.has(i.id),
    );
    const waiting = new Set<string>();
    this.launching = [];
    this.cancelledTokens = new Set(records.filter(isCancelledLaunch).map((r) => r.clientToken));
    if (!candidates.length) return waiting;

    const known = await this.store.findByInstanceIds(candidates.map((i) => i.id));
    const knownIds = new Set(known.map((r) => r.instanceId));
    const launchMayBeOpen =
      this.inFlight.size > 0 || records.some((r) => !r.instanceId && r.launchAttempts > 0);
    for (const instance of candidates) {
      if (knownIds.has(instance.id)) {
        this.logger.warn(`${instance.id} was terminated but still runs; terminating it again`);
        await this.drain.terminate(instance.id);
        continue;
      }
      if (launchMayBeOpen || instance.state !== 'running') {
        waiting.add(instance.id);
        this.launching.push(instance);
        continue;
      }
      const target = targetById.get(instance.id);
      const record: InstanceRecord = {
        ...newLaunchRecord(`adopted:${instance.id}`, 'adopted: running without a record', now),
        instanceId: instance.id,
        state: 'running',
        address: instance.address,
        launchedAt: instance.launchedAt,
        launchAttempts: 1,
      };
      const adopted = target ? withHealth(record, target.health, now) : record;
      await this.store.insert(adopted);
      await this.changes.announce(adopted, undefined, adopted.cause, now);
      if (targetsKnown && !target) {
        try {
          await this.loadBalancer.register({ id: instance.id, address: instance.address ?? '' });
        } catch (error) {
          this.logger.warn(`cannot register adopted ${instance.id}: ${errorMessage(error)}`);
        }
      }
    }
    return waiting;
  }

  /** deregisterStale removes targets of workers the fleet does not run (terminated, unknown). */
  private async deregisterStale(
    targets: TargetStatus[],
    handled: Set<string | null>,
  ): Promise<void> {
    const live = await this.store.listLive();
    const liveIds = new Set(live.map((r) => r.instanceId));
    for (const target of targets) {
      if (liveIds.has(target.id) || handled.has(target.id) || target.health === 'draining')
        continue;
      this.logger.warn(`deregistering ${target.id}: the fleet does not run it`);
      await this.drain.deregister(target.id);
    }
  }

  /** converge launches what is missing and drains the surplus. */
  private async converge(
    desired: number,
    desiredCause: string,
    replacedIds: string[],
    now: Date,
  ): Promise<void> {
    const all = await this.store.listLive();
    // A cancelled launch no longer counts; one not in flight (the fleet restarted) is resumed,
    // with its token, only to learn its instance and terminate it.
    for (const record of all.filter(isCancelledLaunch)) {
      if (this.inFlight.has(record.clientToken)) continue;
      if (record.launchAttempts === 0) {
        await this.store.update({ ...record, state: 'terminated', terminatedAt: now });
      } else {
        await this.startLaunch(record);
      }
    }
    const live = all.filter(
      (r) => (r.state === 'pending' || r.state === 'running') && !isCancelledLaunch(r),
    );
    let active = live.length;

    // Launch records without an instance: resume those already handed to the provider (same
    // token, so the provider answers with the instance it started); start the others while they
    // are still needed, cancel them when the pool shrank before they started.
    const notStarted = live
      .filter((r) => !r.instanceId && !this.inFlight.has(r.clientToken))
      .sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime());
    for (const record of notStarted) {
      if (record.launchAttempts === 0 && active > desired) {
        await this.store.update({
          ...record,
          state: 'terminated',
          terminatedAt: now,
          lastError: 'cancelled: no longer needed',
        });
        active--;
        continue;
      }
      await this.startLaunch(record);
    }

    if (active < desired) {
      if (now.getTime() < this.launchRetryAt) {
        this.logger.warn(
          `${desired - active} worker(s) missing; next launch after the back-off of failed launches`,
        );
      } else {
        const passId = randomUUID();
        for (let i = 0; i < desired - active; i++) {
          const replaced = replacedIds[i];
          const cause = replaced
            ? `replacement for ${replaced}`
            : `launched to reach the desired size ${desired}`;
          const record = newLaunchRecord(`${passId}:${i}`, cause, now);
          await this.store.insert(record);
          await this.startLaunch(record);
        }
      }
    } else if (active > desired) {
      // Launches in flight cannot be called back: they finish, then the newest go first.
      const running = live.filter((r) => r.instanceId && r.state === 'running');
      for (const record of chooseSurplus(running, running.length - desired)) {
        await this.startDrain(record, `drained: ${desiredCause}`, now);
      }
    }
  }

  // ---------------------------------------------------------------- launches

  /** startLaunch records the attempt, then hands the launch to the provider in the background. */
  private async startLaunch(record: InstanceRecord): Promise<void> {
    const token = record.clientToken;
    if (this.inFlight.has(token)) return;
    // Recorded before the provider is called: after a crash the launch resumes with this token.
    await this.store.update({ ...record, launchAttempts: record.launchAttempts + 1 });
    const launch = this.compute.launch({ clientToken: token }).then(
      (instance) => this.lock.run(() => this.launched(token, instance)),
      (error: unknown) => this.lock.run(() => this.launchFailed(token, error)),
    );
    this.inFlight.set(
      token,
      launch
        .catch((error) =>
          this.logger.error(`launch ${token} bookkeeping failed: ${errorMessage(error)}`),
        )
        .finally(() => {
          this.inFlight.delete(token);
          this.requestPass();
        }),
    );
  }

  private async launched(token: string, instance: ComputeInstance): Promise<void> {
    if (this.closed) return;
    const record = await this.store.findByToken(token);
    if (!record) {
      this.logger.error(`launch ${token} answered ${instance.id} but has no record`);
      return;
    }
    this.launching = this.launching.filter((i) => i.id !== instance.id);
    const now = this.clock();
    if (instance.state === 'terminated' || instance.state === 'stopping') {
      // The token's worker is gone already (it died while nobody listened for the answer, e.g.
      // across a restart): record it as such; the next pass launches a replacement.
      await this.store.update({
        ...record,
        instanceId: instance.id,
        state: 'terminated',
        address: instance.address,
        launchedAt: instance.launchedAt,
        terminatedAt: now,
        lastError: `the launch answered ${instance.id}, already ${instance.state}`,
      });
      return;
    }
    this.launchFailures = 0;
    this.launchRetryAt = 0;
    if (isCancelledLaunch(record)) {
      await this.terminateCancelled(record, instance, now);
      return;
    }
    await this.changes.change(
      record,
      {
        ...record,
        instanceId: instance.id,
        state: 'running',
        health: 'initial',
        address: instance.address,
        launchedAt: instance.launchedAt,
        lastError: null,
      },
      record.cause,
    );
    try {
      await this.loadBalancer.register({ id: instance.id, address: instance.address ?? '' });
    } catch (error) {
      // The next pass sees a running worker the load balancer does not list and registers it.
      this.logger.warn(`cannot register ${instance.id}: ${errorMessage(error)}`);
    }
  }

  /**
   * terminateCancelled terminates the instance a cancelled launch answered, instead of
   * registering it; when that fails it stays draining, and the next pass terminates it.
   */
  private async terminateCancelled(
    record: InstanceRecord,
    instance: ComputeInstance,
    now: Date,
  ): Promise<void> {
    const known: InstanceRecord = {
      ...record,
      instanceId: instance.id,
      state: 'draining',
      address: instance.address,
      launchedAt: instance.launchedAt,
    };
    try {
      await this.compute.terminate(instance.id);
    } catch (error) {
      this.logger.warn(
        `cannot terminate ${instance.id}: ${errorMessage(error)}; retrying next pass`,
      );
      await this.changes.change(
        record,
        { ...known, lastError: errorMessage(error) },
        record.drainCause!,
      );
      return;
    }
    await this.changes.change(
      record,
      { ...known, state: 'terminated', terminatedAt: now, lastError: null },
      `terminated when its launch answered: ${record.drainCause}`,
    );
  }

  private async launchFailed(token: string, error: unknown): Promise<void> {
    if (this.closed) return;
    const cancelled = await this.store.findByToken(token);
    if (cancelled && isCancelledLaunch(cancelled)) {
      // Nobody waits for this worker any more: not a reason to slow down the next launches.
      await this.store.update({
        ...cancelled,
        state: 'terminated',
        terminatedAt: this.clock(),
        lastError: `launch failed after it was cancelled: ${errorMessage(error)}`,
      });
      return;
    }
    this.launchFailures++;
    const backoff = Math.min(
      this.settings.launchRetryMs * 2 ** (this.launchFailures - 1),
      LAUNCH_RETRY_MAX_MS,
    );
    this.launchRetryAt = this.clock().getTime() + backoff;
    this.logger.warn(
      `launch ${token} failed: ${errorMessage(error)}; next launch in ${backoff} ms`,
    );
    const record = await this.store.findByToken(token);
    if (record) {
      await this.store.update({
        ...record,
        state: 'terminated',
        terminatedAt: this.clock(),
        lastError: `launch failed: ${errorMessage(error)}`,
      });
    }
  }

  // ---------------------------------------------------------------- helpers

  private async publishSnapshot(desired: number, now: Date): Promise<void> {
    const live = await this.store.listLive();
    const workers = [...live.filter((r) => r.instanceId).map(workerView), ...this.launchingViews()];
    await this.events.snapshot({ desired, workers, at: now.toISOString() });
  }
}
